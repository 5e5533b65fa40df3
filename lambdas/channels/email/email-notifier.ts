import type { ApprovalRequest } from '#core/request';
import type { Notifier, NotifyReason, NotifyReport } from '#ports';
import type { MailSender, OutgoingMail } from '#adapters/mail/mail-sender';
import { recipientsOf, type Directory } from '../directory.ts';
import { summarize } from '../request-summary.ts';
import { messageOf, withRetry, type RetryOptions } from '../retry.ts';
import { dashboardUrl, issueDecisionLinks, type LinkIssuerDeps } from './link-issuer.ts';
import { renderApprovalEmail } from './email-template.ts';
import { isThrottle, type SendPacer } from './send-pacer.ts';

export interface EmailNotifierDeps extends LinkIssuerDeps {
  readonly directory: Directory;
  readonly mail: MailSender;
  readonly retry?: RetryOptions;
  /** Keeps sends at the account's rate. @default - no pacing */
  readonly pacer?: SendPacer;
  /**
   * How a throttled send is retried: longer than other faults, since the notifier runs on its own
   * (the gate invokes it asynchronously) and a throttle passes within seconds.
   * @default { attempts: 6, baseDelayMs: 1000, maxDelayMs: 8000 } (about 23 s of waiting at most)
   */
  readonly throttleRetry?: RetryOptions;
}

const THROTTLE_RETRY: RetryOptions = { attempts: 6, baseDelayMs: 1_000, maxDelayMs: 8_000 };

/** Mails go out a few at a time; the pacer keeps them at the account's sending rate. */
const CONCURRENCY = 4;
/** A group larger than this is a misconfiguration, not an audience; the rest are reported, not mailed. */
const MAX_RECIPIENTS = 100;

/**
 * Emails each approver of the request's current level (its users and the members of its groups)
 * the context and their own approve / reject links; the requester of the execution gets none, as
 * they may not decide it (unless the node allows self-approval). Never throws: the report names who got the
 * mail and who did not, and why.
 */
export class EmailNotifier implements Notifier {
  constructor(private readonly deps: EmailNotifierDeps) {}

  async notify(request: ApprovalRequest, reason: NotifyReason): Promise<NotifyReport[]> {
    let contacts;
    try {
      contacts = await withRetry(() => recipientsOf(this.deps.directory, request), this.deps.retry);
    } catch (error) {
      return [{ channel: 'email', ok: false, error: `directory lookup failed: ${messageOf(error)}` }];
    }
    const reachable = contacts.filter((contact) => contact.email).slice(0, MAX_RECIPIENTS);
    if (reachable.length === 0) {
      const error = 'no approver of this level has an email address in the directory (the requester of the execution is never sent links for it)';
      return [{ channel: 'email', ok: false, error }];
    }

    const summary = summarize(request);
    const sent: string[] = [];
    const failed: { to: string; error: string }[] = [];
    const queue = [...reachable];
    const worker = async () => {
      for (let contact = queue.shift(); contact; contact = queue.shift()) {
        const to = contact.email as string;
        try {
          const links = await issueDecisionLinks(this.deps, request, contact.userId);
          const email = renderApprovalEmail({
            summary,
            reason,
            recipientName: contact.name ?? contact.userId,
            links,
            dashboardUrl: dashboardUrl(this.deps.baseUrl(), request.id),
          });
          await this.send({ to, ...email, headers: { 'X-Hitl-Request-Id': request.id } });
          sent.push(to);
        } catch (error) {
          failed.push({ to, error: messageOf(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, reachable.length) }, worker));

    const reports: NotifyReport[] = [];
    if (sent.length) reports.push({ channel: 'email', ok: true, recipients: sent });
    if (failed.length) {
      reports.push({
        channel: 'email',
        ok: false,
        recipients: failed.map((f) => f.to),
        error: failed.map((f) => `${f.to}: ${f.error}`).join('; ').slice(0, 1_000),
      });
    }
    return reports;
  }

  /**
   * One mail, paced; other faults get the short retry, throttles the long one. A send that still
   * fails throws a message saying how hard it tried, which the report carries into the history.
   */
  private async send(mail: OutgoingMail): Promise<void> {
    let throttled = 0;
    const attempt = async () => {
      await this.deps.pacer?.take();
      try {
        await this.deps.mail.send(mail);
      } catch (error) {
        if (isThrottle(error)) throttled += 1;
        throw error;
      }
    };
    try {
      await withRetry(attempt, { ...this.deps.retry, retryIf: (error) => !isThrottle(error) });
    } catch (error) {
      if (!isThrottle(error)) throw error;
      try {
        await withRetry(attempt, { ...THROTTLE_RETRY, ...this.deps.throttleRetry, sleep: this.deps.throttleRetry?.sleep ?? this.deps.retry?.sleep, retryIf: isThrottle });
      } catch (last) {
        throw new Error(`gave up after ${throttled} throttled attempt(s): ${messageOf(last)}`);
      }
    }
  }
}
