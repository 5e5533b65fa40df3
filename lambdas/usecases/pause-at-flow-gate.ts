import type { ConversationTurn } from '#core/action';
import { assertWithinStateLimit } from '#core/flow-errors';
import { GateAskSchema, type GateAsk } from '#core/flow-state';
import type { GateInput } from '#core/gate-input';
import { effectiveConfig } from '#core/gate-verdict';
import { requestIdFor } from '#core/request-id';
import { isPayloadRef } from '#core/payload-ref';
import type { PayloadStore } from '#ports';
import { createApprovalRequest, type CreateDeps, type CreateOutcome } from './create-approval-request.ts';
import { previewPayloads } from './large-state.ts';

/** What a voice caller hears while the flow waits. */
export interface HoldNotice {
  readonly message: string;
  readonly musicUrl?: string;
}

export interface FlowGateInput extends GateInput {
  /** Voice flows only: the hold event to emit before the wait. */
  readonly hold?: HoldNotice;
}

/** The approver sees the end of the conversation; the whole of it is in the checkpoint. */
const CONTEXT_TURNS = 20;
const CONTEXT_TURN_CHARS = 2_000;

/**
 * A flow's gate: refuses a state too large for Step Functions (with its size, instead of truncating
 * it), emits a voice flow's hold event once, then stores the request like any gate. The approver's
 * context is the tail of the checkpointed conversation, so the payload carries the conversation once.
 * The policy that paused the flow travels in the checkpointed state (`gate.policy`): the request
 * names it and waits with its overrides (other approvers, a quorum, another timeout). A question about
 * an interrupted call (`gate.outcomeUnknown`) puts its evidence in the context facts as `outcomeUnknown`.
 */
export async function pauseAtFlowGate(deps: CreateDeps & { readonly payloads?: PayloadStore }, input: FlowGateInput): Promise<CreateOutcome> {
  if (input.checkpoint) assertWithinStateLimit(input.checkpoint.state, `gate "${input.checkpoint.stateName}"`);
  const ask = askOf(input);
  const conversational = input.context.conversation.length > 0 ? input.context : { ...input.context, conversation: await contextOf(deps.payloads, input) };
  const context = ask?.outcomeUnknown ? { ...conversational, facts: { ...conversational.facts, outcomeUnknown: ask.outcomeUnknown } } : conversational;
  const verdict = ask?.policy;
  const hitl = verdict ? effectiveConfig(input.hitl, { outcome: 'pause', why: verdict.why, policyId: verdict.id, ...(verdict.overrides ? { overrides: verdict.overrides } : {}) }) : input.hitl;
  const policy = input.policy ?? (verdict ? { id: verdict.id, why: verdict.why } : undefined);

  if (input.hold) {
    const id = requestIdFor(input.executionId, input.nodeId, input.step);
    // A re-run gate (retry, restart) finds its request: the caller has heard the hold message already.
    if (!(await deps.store.get(id))) {
      await deps.audit.append({
        executionId: input.executionId,
        workflowId: input.workflowId,
        nodeId: input.nodeId,
        requestId: id,
        kind: 'hold',
        actor: 'system:voice',
        detail: { message: input.hold.message, ...(input.hold.musicUrl ? { musicUrl: input.hold.musicUrl } : {}), step: input.step },
        // A retry right after a crash between this entry and the request finds it at the chain's end.
        eventId: `${id}/hold`,
      });
    }
  }
  return createApprovalRequest(deps, { ...input, context, hitl, ...(policy ? { policy } : {}) });
}

/** What the step before the gate put in the state (its verdict, evidence), when it is there and for this very step. */
function askOf(input: FlowGateInput): GateAsk | undefined {
  const ask = GateAskSchema.safeParse((input.checkpoint?.state as { gate?: unknown } | undefined)?.gate);
  return ask.success && ask.data.step === input.step ? ask.data : undefined;
}

/**
 * The tail of the checkpointed conversation, each turn cut to its beginning. A turn whose text
 * travels as a reference shows its beginning and size; the request's checkpoint has it whole.
 */
async function contextOf(payloads: PayloadStore | undefined, input: FlowGateInput): Promise<ConversationTurn[]> {
  const state = input.checkpoint?.state as { conversation?: Array<Omit<ConversationTurn, 'content'> & { content: unknown }> } | undefined;
  const conversation = Array.isArray(state?.conversation) ? state.conversation : [];
  const turns: ConversationTurn[] = [];
  for (const turn of conversation.slice(-CONTEXT_TURNS)) {
    if (typeof turn.content === 'string') {
      turns.push(turn.content.length > CONTEXT_TURN_CHARS ? { ...turn, content: `${turn.content.slice(0, CONTEXT_TURN_CHARS)}…` } : (turn as ConversationTurn));
    } else if (isPayloadRef(turn.content)) {
      const content = payloads ? await previewPayloads(payloads, input.executionId, turn.content, CONTEXT_TURN_CHARS) : `[${turn.content.bytes} bytes, stored apart]`;
      turns.push({ ...turn, content: content as string });
    }
  }
  return turns;
}
