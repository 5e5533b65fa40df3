import * as z from 'zod';
import { REQUEST_ID_PATTERN } from '#core/request-id';
import type { ApprovalRequest } from '#core/request';
import { DELIVERY_LEASE_MS, deliverDecision, type DeliverDeps, type DeliveryResult } from '#usecases/deliver-decision';
import { summarize } from '../request-summary.ts';
import { messageOf } from '../retry.ts';
import type { SlackPost } from './slack-http.ts';
import { decidedMessage, ephemeralReply } from './slack-message.ts';

/** A note under the outcome when the workflow no longer waited for the decision. */
export const WORKFLOW_GONE_NOTE = 'The workflow was no longer waiting for it.';

/**
 * What is left to do after a Slack click has been acknowledged: deliver the decision it stored to the
 * workflow, and update the message through its response_url. Plain data, so on AWS it travels in an
 * asynchronous invoke.
 */
export const SlackFollowUpSchema = z
  .object({
    kind: z.literal('slack_follow_up'),
    responseUrl: z.url({ protocol: /^https?$/ }),
    reply: z.discriminatedUnion('kind', [
      z
        .object({
          kind: z.literal('decided'),
          requestId: z.string().regex(REQUEST_ID_PATTERN),
          /** True when this click decided and holds the delivery lease: deliver before updating the message. */
          deliver: z.boolean(),
          note: z.string().max(500).optional(),
        })
        .strict(),
      z.object({ kind: z.literal('refused'), reason: z.string().max(500) }).strict(),
    ]),
  })
  .strict();
export type SlackFollowUp = z.infer<typeof SlackFollowUpSchema>;

/**
 * Hands a follow-up over to run after the acknowledgement: in process locally, an asynchronous invoke
 * on AWS (a Lambda stops running when it answers). Resolves once handed over, not once done.
 */
export type SlackFollowUps = (followUp: SlackFollowUp) => Promise<void>;

export interface SlackFollowUpDeps extends DeliverDeps {
  readonly post: SlackPost;
  /** Only response_urls under these prefixes are called. */
  readonly responseUrlPrefixes: readonly string[];
}

export interface SlackFollowUpReport {
  readonly delivery?: DeliveryResult;
  /** Whether Slack took the message update; a failed update changes nothing else. */
  readonly updated: boolean;
  readonly error?: string;
}

/**
 * Finishes a Slack click after its acknowledgement: delivers the stored decision to the workflow
 * (under the delivery lease the click took; if this never runs, the sweeper delivers once the lease
 * runs out), then replaces the message with the outcome, or tells only the clicker why not. A failed
 * message update is reported, never thrown: the decision stands whatever Slack answers.
 */
export async function finishSlackAction(deps: SlackFollowUpDeps, followUp: SlackFollowUp): Promise<SlackFollowUpReport> {
  if (!deps.responseUrlPrefixes.some((prefix) => followUp.responseUrl.startsWith(prefix))) {
    return { updated: false, error: 'response_url is not a Slack URL' };
  }
  const reply = followUp.reply;
  if (reply.kind === 'refused') return update(deps, followUp.responseUrl, ephemeralReply(reply.reason));

  let request = await deps.store.get(reply.requestId);
  let delivery: DeliveryResult | undefined;
  if (request && reply.deliver && request.delivery !== 'delivered' && request.delivery !== 'workflow_gone' && (await holdsLease(deps, request))) {
    delivery = (await deliverDecision(deps, request)).result;
    // Read it back: a sweeper that delivered first may have recorded the outcome instead of this call.
    request = (await deps.store.get(reply.requestId)) ?? request;
  }
  if (!request?.decision) return { ...(delivery ? { delivery } : {}), updated: false, error: 'the request has no decision to show' };
  const note = request.delivery === 'workflow_gone' ? WORKFLOW_GONE_NOTE : reply.note;
  const report = await update(deps, followUp.responseUrl, decidedMessage(summarize(request), request.decision, note));
  return { ...(delivery ? { delivery } : {}), ...report };
}

/** Time a delivery may take: with less of the click's lease left, take a fresh one. */
const DELIVERY_MARGIN_MS = 10_000;

/**
 * Whether this follow-up may deliver: the click took the delivery lease when it decided, so a prompt
 * follow-up delivers under it; a late one (an invoke delayed for long) takes a fresh lease the way the
 * sweeper does, and leaves the decision alone if the sweeper holds it.
 */
async function holdsLease(deps: SlackFollowUpDeps, request: ApprovalRequest): Promise<boolean> {
  const now = deps.clock.now();
  const clickLeaseEnds = Date.parse(request.decision?.decidedAt ?? '') + DELIVERY_LEASE_MS;
  if (now.getTime() < clickLeaseEnds - DELIVERY_MARGIN_MS) return true;
  return deps.store.acquireDeliveryLease(request.id, now, new Date(now.getTime() + DELIVERY_LEASE_MS));
}

async function update(deps: SlackFollowUpDeps, responseUrl: string, message: unknown): Promise<SlackFollowUpReport> {
  try {
    await deps.post(responseUrl, message);
    return { updated: true };
  } catch (error) {
    return { updated: false, error: `updating the Slack message failed: ${messageOf(error)}` };
  }
}
