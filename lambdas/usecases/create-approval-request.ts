import { auditEventId } from '#core/audit-events';
import { followUp } from '#core/follow-up';
import type { GateInput } from '#core/gate-input';
import { timeoutAtLevel } from '#core/hitl-config';
import type { ApprovalRequest } from '#core/request';
import { requestIdFor } from '#core/request-id';
import type { ApprovalStore, AuditLog, Clock, DecisionStats, Notifier, Workflows } from '#ports';
import { DELIVERY_LEASE_MS, deliverDecision } from './deliver-decision.ts';
import { sealAuditFollowUps } from './seal-audit.ts';
import { owe, performFollowUps } from './perform-follow-ups.ts';

export interface CreateDeps {
  readonly store: ApprovalStore;
  readonly audit: AuditLog;
  readonly notifier: Notifier;
  readonly workflows: Workflows;
  readonly clock: Clock;
  readonly stats?: DecisionStats;
}

export type CreateOutcome = { readonly requestId: string; readonly created: boolean };

/**
 * The gate: stores the request the workflow now waits on, with what it owes (its `gate_paused` audit
 * entry and the approvers' notification) recorded in the same write, then does those. Idempotent on
 * (execution, node, step): a Step Functions retry finds the same request, hands it the new task token,
 * finishes whatever the first attempt left owed (nothing twice); if that request was decided
 * meanwhile, the decision goes to the new token.
 */
export async function createApprovalRequest(deps: CreateDeps, input: GateInput): Promise<CreateOutcome> {
  const now = deps.clock.now();
  const id = requestIdFor(input.executionId, input.nodeId, input.step);
  const request: ApprovalRequest = {
    id,
    executionId: input.executionId,
    workflowId: input.workflowId,
    nodeId: input.nodeId,
    step: input.step,
    mode: input.hitl.mode,
    channel: input.channel,
    action: input.action,
    context: input.context,
    hitl: input.hitl,
    ...(input.policy ? { policy: input.policy } : {}),
    ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
    ...(input.checkpoint ? { checkpoint: input.checkpoint } : {}),
    status: 'pending',
    level: 0,
    createdAt: now.toISOString(),
    dueAt: new Date(now.getTime() + timeoutAtLevel(input.hitl, 0, input.channel) * 1000).toISOString(),
    events: [{ at: now.toISOString(), type: 'created', actor: 'system:gate', detail: { level: 0 } }],
  };

  const followUps = await sealAuditFollowUps(deps.audit, request, owe([
    followUp.audit({
      executionId: request.executionId,
      workflowId: request.workflowId,
      nodeId: request.nodeId,
      requestId: id,
      kind: 'gate_paused',
      actor: 'system:gate',
      detail: { action: request.action, dueAt: request.dueAt, mode: request.mode, ...(request.policy ? { policyId: request.policy.id } : {}) },
      eventId: auditEventId.gatePaused(id),
    }),
    followUp.notify('created', 0),
  ], request.createdAt));

  const result = await deps.store.create(request, input.taskToken, followUps);
  if (!result.created) {
    const refreshed = await deps.store.refreshTaskToken(id, input.taskToken, now);
    // A crash or a timeout cut the first attempt short: finish what it still owes, now.
    await performFollowUps(deps, id, { takeOver: true });
    if (refreshed.status !== 'pending' && (await deps.store.acquireDeliveryLease(id, now, new Date(now.getTime() + DELIVERY_LEASE_MS)))) {
      await deliverDecision(deps, refreshed);
    }
    return { requestId: id, created: false };
  }
  // The request as written goes to the notifier: nothing is read back. One write then marks both
  // follow-ups done and records who was told.
  await performFollowUps(deps, id, { held: followUps, state: request });
  return { requestId: id, created: true };
}
