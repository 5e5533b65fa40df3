import * as z from 'zod';
import { AlreadyDecidedError, ForbiddenError, NotFoundError, WorkflowGoneError } from '#core/errors';
import { REQUEST_ID_PATTERN } from '#core/request-id';
import { respond, type RespondDeps } from '#usecases/respond';
import { candidatesOf, type Directory } from '../directory.ts';
import { ChannelError } from '../errors.ts';
import { summarize } from '../request-summary.ts';
import { messageOf } from '../retry.ts';
import type { SlackPost } from './slack-http.ts';
import { decidedMessage, ephemeralReply, SLACK_ACTIONS } from './slack-message.ts';

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
  readonly post: SlackPost;
  /** Only response_urls under these prefixes are called: a signed payload could still carry any URL. */
  readonly responseUrlPrefixes: readonly string[];
}

export type SlackInteractionResult =
  | { readonly kind: 'ignored' }
  | { readonly kind: 'decided'; readonly requestId: string; readonly approver: string }
  | { readonly kind: 'refused'; readonly reason: string };

const DECISION_OF: Record<string, 'approve' | 'reject'> = { [SLACK_ACTIONS.approve]: 'approve', [SLACK_ACTIONS.reject]: 'reject' };

/**
 * A button click in Slack (already signature-checked): maps the Slack member to an approver of the
 * request through the directory, decides through respond() with channel `slack`, and updates the
 * message through its response_url: the outcome replaces the buttons, or only the clicker is told
 * why not.
 */
export async function handleSlackAction(deps: SlackInteractionDeps, payload: BlockActions): Promise<SlackInteractionResult> {
  const action = payload.actions.find((candidate) => DECISION_OF[candidate.action_id]);
  if (!action) return { kind: 'ignored' }; // e.g. the "Open dashboard" link button
  if (!deps.responseUrlPrefixes.some((prefix) => payload.response_url.startsWith(prefix))) {
    throw new ChannelError('response_url is not a Slack URL', 400);
  }
  const reply = (message: unknown) => deps.post(payload.response_url, message);
  const refuse = async (reason: string): Promise<SlackInteractionResult> => {
    await reply(ephemeralReply(reason));
    return { kind: 'refused', reason };
  };

  const requestId = action.value ?? '';
  const request = REQUEST_ID_PATTERN.test(requestId) ? await deps.store.get(requestId) : undefined;
  if (!request) return refuse('This approval request no longer exists.');
  const candidates = await candidatesOf(deps.directory, request);
  const contact = candidates.find((candidate) => candidate.slackUserId === payload.user.id);
  if (!contact) return refuse('Your Slack account is not linked to an approver of this request, so you cannot decide it here.');
  const person = await deps.directory.person(contact.userId);
  if (!person) return refuse('Your account is not active in the approver directory.');

  try {
    const result = await respond(deps, {
      id: request.id,
      identity: { userId: person.userId, groups: person.groups },
      decision: DECISION_OF[action.action_id],
      scope: 'once',
      channel: 'slack',
    });
    const decision = result.approval.decision;
    if (decision) await reply(decidedMessage(summarize(result.approval), decision));
    return { kind: 'decided', requestId: request.id, approver: person.userId };
  } catch (error) {
    if (error instanceof AlreadyDecidedError) {
      const current = (await deps.store.get(request.id)) ?? request;
      if (current.decision) await reply(decidedMessage(summarize(current), current.decision, 'Your click came after this decision.'));
      return { kind: 'refused', reason: error.message };
    }
    if (error instanceof WorkflowGoneError) {
      const current = (await deps.store.get(request.id)) ?? request;
      if (current.decision) await reply(decidedMessage(summarize(current), current.decision, 'The workflow was no longer waiting for it.'));
      return { kind: 'refused', reason: error.message };
    }
    if (error instanceof ForbiddenError || error instanceof NotFoundError) return refuse(error.message);
    throw new Error(`deciding ${request.id} from Slack failed: ${messageOf(error)}`, { cause: error });
  }
}
