import type { ApprovalRequest } from '#core/request';
import type { Notifier, NotifyReason, NotifyReport } from '#ports';
import { recipientsOf, type Directory } from '../directory.ts';
import { dashboardUrl } from '../email/link-issuer.ts';
import { summarize } from '../request-summary.ts';
import { messageOf, withRetry, type RetryOptions } from '../retry.ts';
import type { SlackPost } from './slack-http.ts';
import { approvalMessage } from './slack-message.ts';
import { webhookFor, type SlackWebhookMap } from './slack-webhooks.ts';

export interface SlackNotifierDeps {
  /** The webhook map; read when needed (on AWS it comes from a secret). */
  readonly webhooks: () => Promise<SlackWebhookMap>;
  readonly directory: Directory;
  readonly post: SlackPost;
  readonly baseUrl: () => string;
  readonly retry?: RetryOptions;
}

/**
 * Posts the request to the Slack channel of its workflow (incoming webhook) with Approve / Reject
 * buttons, mentioning the approvers the directory links to Slack. Workflows without a webhook are
 * skipped silently; a failed post is reported, never thrown.
 */
export class SlackNotifier implements Notifier {
  constructor(private readonly deps: SlackNotifierDeps) {}

  async notify(request: ApprovalRequest, reason: NotifyReason): Promise<NotifyReport[]> {
    try {
      const url = webhookFor(await this.deps.webhooks(), request);
      if (!url) return [];
      const contacts = await recipientsOf(this.deps.directory, request).catch(() => []);
      const mentions = contacts.flatMap((contact) => (contact.slackUserId ? [contact.slackUserId] : []));
      const message = approvalMessage(summarize(request), reason, mentions, dashboardUrl(this.deps.baseUrl(), request.id));
      await withRetry(() => this.deps.post(url, message), this.deps.retry);
      return [{ channel: 'slack', ok: true, recipients: contacts.filter((c) => c.slackUserId).map((c) => c.userId) }];
    } catch (error) {
      return [{ channel: 'slack', ok: false, error: messageOf(error) }];
    }
  }
}
