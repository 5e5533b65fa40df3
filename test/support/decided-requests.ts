import { decide } from '#core/lifecycle';
import type { OwedFollowUp } from '#core/follow-up';
import type { ApprovalRequest } from '#core/request';
import { requestIdFor } from '#core/request-id';
import type { ApprovalStore } from '#ports';
import { gateInput, hitl } from './fixtures.ts';

/** One decision to store: when it was asked and decided, and how it ended. */
export interface DecisionSeed {
  readonly workflowId: string;
  readonly tool: string;
  readonly outcome: 'approved' | 'rejected' | 'timed_out' | 'cancelled';
  readonly createdAt: Date;
  readonly decidedAt: Date;
}

/**
 * Stores a pending request and decides it with the store's own conditional write, as respond does,
 * owing `owed` (none: as this version decides).
 */
export async function storeDecision(store: ApprovalStore, seed: DecisionSeed, owed: readonly OwedFollowUp[] = []): Promise<ApprovalRequest> {
  const input = gateInput({ workflowId: seed.workflowId, action: { kind: 'tool_call', toolCall: { id: 'call-1', name: seed.tool, args: {} } } });
  const createdAt = seed.createdAt.toISOString();
  const request: ApprovalRequest = {
    id: requestIdFor(input.executionId, input.nodeId, input.step),
    executionId: input.executionId, workflowId: seed.workflowId, nodeId: input.nodeId, step: input.step,
    mode: 'confirm_tools', channel: 'async', action: input.action, context: input.context, hitl: hitl(),
    requestedBy: 'requester', status: 'pending', level: 0, createdAt, dueAt: new Date(seed.createdAt.getTime() + 86_400_000).toISOString(),
    events: [{ at: createdAt, type: 'created', actor: 'system:gate' }],
  };
  await store.create(request, `token-${request.id}`);
  const decided = decide(request, { outcome: seed.outcome, approver: 'bob', scope: 'once', channel: 'api', decidedAt: seed.decidedAt.toISOString() });
  await store.transition(request, decided, undefined, owed);
  return decided;
}
