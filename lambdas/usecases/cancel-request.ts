import { auditEventId } from '#core/audit-events';
import { assertMayCancel } from '#core/authorization';
import { AlreadyDecidedError, ConcurrentUpdateError, WorkflowGoneError } from '#core/errors';
import { followUp } from '#core/follow-up';
import type { Identity } from '#core/identity';
import { cancel } from '#core/lifecycle';
import { isAdmin, type ReadAccess } from '#core/read-access';
import type { ApprovalRequest } from '#core/request';
import type { ApprovalStore, AuditLog, Clock, DurableCallbacks, WebhookDelivery, Workflows } from '#ports';
import { DELIVERY_LEASE_MS, deliverDecision, type DeliveryResult } from './deliver-decision.ts';
import { owe, performFollowUps } from './perform-follow-ups.ts';
import { sealAuditFollowUps } from './seal-audit.ts';
import { readApproval } from './read-approvals.ts';

export interface CancelDeps {
  readonly store: ApprovalStore;
  readonly audit: AuditLog;
  readonly workflows: Workflows;
  readonly clock: Clock;
  readonly access: ReadAccess;
  /** How a cancellation reaches the webhook or durable function of a request made over HTTP. */
  readonly webhooks?: WebhookDelivery;
  readonly durableCallbacks?: DurableCallbacks;
}

export interface CancelInput {
  readonly id: string;
  readonly identity: Identity;
  readonly reason: string;
  /** Where the cancellation came from: api, dashboard. */
  readonly channel: string;
}

export interface CancelResult {
  readonly approval: ApprovalRequest;
  /** `pending`: stored, and the sweeper delivers it to the workflow on its next run. */
  readonly delivery: DeliveryResult;
}

const CONCURRENT_RETRIES = 5;

/**
 * Withdraws a pending request, by its requester or an admin (403 for anyone else who may read it,
 * 404 for whoever may not). One conditional write, only while the request is pending at its level,
 * stores a `cancelled` decision, so a cancellation and an approver's decision never both stand: the
 * loser gets 409. The workflow then receives the `cancelled` decision with the reason, delivered
 * like any decision (and by the sweeper if this call dies first).
 */
export async function cancelRequest(deps: CancelDeps, input: CancelInput): Promise<CancelResult> {
  for (let attempt = 0; ; attempt++) {
    const request = await readApproval(deps, input.identity, input.id);
    assertMayCancel(input.identity, request, isAdmin(input.identity, deps.access));
    if (request.status !== 'pending') throw new AlreadyDecidedError(request.id, request.status);
    const now = deps.clock.now();
    const cancelled = cancel(request, input.identity.userId, input.reason, now, input.channel);
    // The cancellation's audit entry is owed by the write that cancels, like a decision's: a crash
    // after the write leaves it for the sweeper, never lost. Cancels are not counted in the stats.
    const owed = await sealAuditFollowUps(deps.audit, request, owe([followUp.audit({
      executionId: cancelled.executionId,
      workflowId: cancelled.workflowId,
      nodeId: cancelled.nodeId,
      requestId: cancelled.id,
      kind: 'cancel',
      actor: input.identity.userId,
      detail: { reason: input.reason, level: request.level, channel: input.channel },
      eventId: auditEventId.decision(cancelled.id),
    })], now.toISOString()));
    let taskToken: string | undefined;
    try {
      ({ taskToken } = await deps.store.transition(request, cancelled, new Date(now.getTime() + DELIVERY_LEASE_MS), owed));
    } catch (error) {
      // Decided, escalated or extended meanwhile: look again (a decided request is then a 409).
      if (error instanceof ConcurrentUpdateError && attempt < CONCURRENT_RETRIES) continue;
      throw error;
    }
    const [, delivered] = await Promise.all([performFollowUps(deps, cancelled.id, { held: owed }), deliverDecision(deps, cancelled, taskToken)]);
    if (delivered.result === 'workflow_gone') {
      throw new WorkflowGoneError(`the cancellation of ${cancelled.id} is recorded, but its workflow is no longer waiting (it timed out or was stopped)`);
    }
    return { approval: delivered.recorded ?? (await deps.store.get(cancelled.id)) ?? cancelled, delivery: delivered.result };
  }
}
