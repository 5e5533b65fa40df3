import * as z from 'zod';
import { AlreadyDecidedError, ForbiddenError, NotFoundError, WorkflowGoneError } from '#core/errors';
import { REQUEST_ID_PATTERN } from '#core/request-id';
import { withDeliveryDeferred } from '#usecases/deliver-decision';
import { respond, type RespondDeps } from '#usecases/respond';
import { candidatesOf, type Directory } from '../directory.ts';
import { ChannelError } from '../errors.ts';
import { messageOf } from '../retry.ts';
import { WORKFLOW_GONE_NOTE, type SlackFollowUp } from './slack-follow-up.ts';
import { SLACK_ACTIONS } from './slack-message.ts';

/** The part of Slack's `block_actions` payload this needs. */
export const BlockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1).max(64) }),
  response_url: z.url({ protocol: /^https?$/ }),
  actions: z
    .array(z.object({ action_id: z.string(), value: z.string().optional() }))
    .min(1),
});
export type BlockActions = z.infer<typeof BlockActionsSchema>;

export interface SlackInteractionDeps extends RespondDeps {
  readonly directory: Directory;
  /** Only response_urls under these prefixes are called: a signed payload could still carry any URL. */
  readonly responseUrlPrefixes: readonly string[];
}

export type SlackInteractionResult =
  | { readonly kind: 'ignored' }
  | { readonly kind: 'decided'; readonly requestId: string; readonly approver: string }
  | { readonly kind: 'refused'; readonly reason: string };

export interface SlackActionStep {
  readonly result: SlackInteractionResult;
  /** What remains after the acknowledgement: delivery and the message update. */
  readonly followUp?: SlackFollowUp;
}

const DECISION_OF: Record<string, 'approve' | 'reject'> = { [SLACK_ACTIONS.approve]: 'approve', [SLACK_ACTIONS.reject]: 'reject' };

/**
 * A button click in Slack (already signature-checked), up to what must happen before Slack gets its
 * acknowledgement: maps the Slack member to an approver of the request through the directory and
 * decides through respond() with channel `slack`, storing the decision but leaving its delivery to
 * the workflow for later. The returned follow-up delivers it and updates the message (finishSlackAction),
 * so neither Step Functions nor Slack's response_url can hold up or fail the acknowledgement.
 */
export async function decideSlackAction(deps: SlackInteractionDeps, payload: BlockActions): Promise<SlackActionStep> {
  const action = payload.actions.find((candidate) => DECISION_OF[candidate.action_id]);
  if (!action) return { result: { kind: 'ignored' } }; // e.g. the "Open dashboard" link button
  if (!deps.responseUrlPrefixes.some((prefix) => payload.response_url.startsWith(prefix))) {
    throw new ChannelError('response_url is not a Slack URL', 400);
  }
  const responseUrl = payload.response_url;
  const refuse = (reason: string): SlackActionStep => ({
    result: { kind: 'refused', reason },
    followUp: { kind: 'slack_follow_up', responseUrl, reply: { kind: 'refused', reason } },
  });
  const show = (requestId: string, deliver: boolean, note?: string): SlackFollowUp => ({
    kind: 'slack_follow_up',
    responseUrl,
    reply: { kind: 'decided', requestId, deliver, ...(note ? { note } : {}) },
  });

  const requestId = action.value ?? '';
  const request = REQUEST_ID_PATTERN.test(requestId) ? await deps.store.get(requestId) : undefined;
  if (!request) return refuse('This approval request no longer exists.');
  const candidates = await candidatesOf(deps.directory, request);
  const contact = candidates.find((candidate) => candidate.slackUserId === payload.user.id);
  if (!contact) return refuse('Your Slack account is not linked to an approver of this request, so you cannot decide it here.');
  const person = await deps.directory.person(contact.userId);
  if (!person) return refuse('Your account is not active in the approver directory.');

  try {
    const result = await respond(withDeliveryDeferred(deps), {
      id: request.id,
      identity: { userId: person.userId, groups: person.groups },
      decision: DECISION_OF[action.action_id],
      scope: 'once',
      channel: 'slack',
    });
    const decided = result.approval.decision !== undefined;
    return {
      result: { kind: 'decided', requestId: request.id, approver: person.userId },
      // A vote that did not complete its quorum leaves the buttons for the other approvers.
      ...(decided ? { followUp: show(request.id, result.decidedNow && result.delivery === 'pending') } : {}),
    };
  } catch (error) {
    if (error instanceof AlreadyDecidedError) {
      return { result: { kind: 'refused', reason: error.message }, followUp: show(request.id, false, 'Your click came after this decision.') };
    }
    if (error instanceof WorkflowGoneError) {
      return { result: { kind: 'refused', reason: error.message }, followUp: show(request.id, false, WORKFLOW_GONE_NOTE) };
    }
    if (error instanceof ForbiddenError || error instanceof NotFoundError) return refuse(error.message);
    throw new Error(`deciding ${request.id} from Slack failed: ${messageOf(error)}`, { cause: error });
  }
}
