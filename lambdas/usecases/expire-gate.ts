import { auditEventId } from '#core/audit-events';
import { ConcurrentUpdateError } from '#core/errors';
import { followUp } from '#core/follow-up';
import { SYSTEM_TIMEOUT } from '#core/identity';
import { decide } from '#core/lifecycle';
import { toWorkflowDecision, type WorkflowDecision } from '#core/request';
import { requestIdFor } from '#core/request-id';
import type { ApprovalStore, AuditLog, Clock } from '#ports';
import { owe, performFollowUps } from './perform-follow-ups.ts';
import { sealAuditFollowUps } from './seal-audit.ts';

export interface ExpireGateDeps {
  readonly store: ApprovalStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

export interface ExpireGateInput {
  readonly executionId: string;
  readonly nodeId: string;
  readonly step: string;
}

const ATTEMPTS = 4;

/**
 * The gate task hit its Step Functions TimeoutSeconds (a voice gate's deadline, or an async gate's hard
 * cap). Records the request as timed out, unless someone decided it first, in which case that
 * decision stands. Either way the workflow now holds the decision, so it is marked delivered and the
 * sweeper does not chase a task token that is gone.
 */
export async function expireGate(deps: ExpireGateDeps, input: ExpireGateInput): Promise<WorkflowDecision> {
  const id = requestIdFor(input.executionId, input.nodeId, input.step);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const request = await deps.store.get(id);
    const now = deps.clock.now();
    if (!request) {
      // The gate never stored its request (it failed before); the workflow still needs an answer.
      return { requestId: id, outcome: 'timed_out', approver: SYSTEM_TIMEOUT, reason: 'The approval gate timed out before its request was stored.', scope: 'once' };
    }
    if (request.status !== 'pending') {
      await deps.store.markDelivery(id, 'delivered', now, { via: 'gate_timeout' });
      return toWorkflowDecision(request);
    }
    const decided = decide(request, {
      outcome: 'timed_out',
      approver: SYSTEM_TIMEOUT,
      reason: `No decision within the time allowed (due ${request.dueAt}).`,
      scope: 'once',
      channel: 'stepfunctions',
      decidedAt: now.toISOString(),
    });
    // The timeout is counted in the statistics by the rollup, from the decided timeline.
    const owed = await sealAuditFollowUps(deps.audit, request, owe([
      followUp.audit({
        executionId: request.executionId,
        workflowId: request.workflowId,
        nodeId: request.nodeId,
        requestId: id,
        kind: 'timeout',
        actor: SYSTEM_TIMEOUT,
        detail: { dueAt: request.dueAt, level: request.level, via: 'stepfunctions' },
        eventId: auditEventId.decision(id),
      }),
    ], now.toISOString()));
    try {
      await deps.store.transition(request, decided, undefined, owed);
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) continue;
      throw error;
    }
    await performFollowUps(deps, id, { held: owed });
    await deps.store.markDelivery(id, 'delivered', now, { via: 'gate_timeout' });
    return toWorkflowDecision(decided);
  }
  throw new ConcurrentUpdateError(`approval ${id} kept changing while its gate timed out`);
}
