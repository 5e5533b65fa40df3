import type { ConversationTurn } from '#core/action';
import { assertWithinStateLimit } from '#core/flow-errors';
import type { GateInput } from '#core/gate-input';
import { requestIdFor } from '#core/request-id';
import { createApprovalRequest, type CreateDeps, type CreateOutcome } from './create-approval-request.ts';

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
 */
export async function pauseAtFlowGate(deps: CreateDeps, input: FlowGateInput): Promise<CreateOutcome> {
  if (input.checkpoint) assertWithinStateLimit(input.checkpoint.state, `gate "${input.checkpoint.stateName}"`);
  const context = input.context.conversation.length > 0 ? input.context : { ...input.context, conversation: contextOf(input) };

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
      });
    }
  }
  return createApprovalRequest(deps, { ...input, context });
}

function contextOf(input: FlowGateInput): ConversationTurn[] {
  const state = input.checkpoint?.state as { conversation?: ConversationTurn[] } | undefined;
  const conversation = Array.isArray(state?.conversation) ? state.conversation : [];
  return conversation.slice(-CONTEXT_TURNS).map((turn) =>
    turn.content.length > CONTEXT_TURN_CHARS ? { ...turn, content: `${turn.content.slice(0, CONTEXT_TURN_CHARS)}…` } : turn,
  );
}
