import { diffArgs } from './args-diff.ts';
import { IllegalTransitionError, ValidationError } from './errors.ts';
import { escalatesAfter, maxExtensionAtLevel, timeoutAtLevel } from './hitl-config.ts';
import type { ApprovalRequest, Decision, HistoryEvent, Outcome } from './request.ts';
import { SYSTEM_TIMEOUT } from './identity.ts';

const STATUS_BY_OUTCOME: Record<Outcome, ApprovalRequest['status']> = {
  approved: 'approved',
  rejected: 'rejected',
  timed_out: 'timed_out',
  cancelled: 'cancelled',
};

function requirePending(request: ApprovalRequest, event: string): void {
  if (request.status !== 'pending') throw new IllegalTransitionError(request.status, event);
}

function withEvent(request: ApprovalRequest, event: HistoryEvent): HistoryEvent[] {
  return [...request.events, event];
}

/** pending -> approved | rejected | timed_out. The decision becomes due for delivery to the workflow. */
export function decide(request: ApprovalRequest, decision: Decision): ApprovalRequest {
  requirePending(request, 'decide');
  return {
    ...request,
    status: STATUS_BY_OUTCOME[decision.outcome],
    decision,
    delivery: 'pending',
    events: withEvent(request, {
      at: decision.decidedAt,
      type: decision.outcome === 'cancelled' ? 'cancelled' : 'decided',
      actor: decision.approver,
      detail: {
        outcome: decision.outcome,
        ...(decision.onBehalfOf !== undefined ? { onBehalfOf: decision.onBehalfOf } : {}),
        level: request.level,
        channel: decision.channel,
        scope: decision.scope,
        ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
        ...(decision.editedArgs !== undefined ? { editedArgs: decision.editedArgs } : {}),
        ...(decision.editedArgs !== undefined && request.action.kind === 'tool_call'
          ? { argsDiff: diffArgs(request.action.toolCall.args, decision.editedArgs) }
          : {}),
      },
    }),
  };
}

/**
 * pending -> cancelled: the requester or an admin withdrew the request (who may is checked by the
 * caller). The workflow receives a `cancelled` decision with the reason and reads it like a rejection.
 */
export function cancel(request: ApprovalRequest, by: string, reason: string, now: Date, channel = 'api'): ApprovalRequest {
  return decide(request, { outcome: 'cancelled', approver: by, reason, scope: 'once', channel, decidedAt: now.toISOString() });
}

/** Seconds the deadline of the request's current level has been pushed back so far. */
export function extendedSecondsAtLevel(request: ApprovalRequest): number {
  return request.events
    .filter((event) => event.type === 'extended' && event.detail?.level === request.level)
    .reduce((sum, event) => sum + Number(event.detail?.bySeconds ?? 0), 0);
}

/**
 * pending -> pending with its due time `bySeconds` later. The extensions of one level add up to at
 * most the node's maximum (maxExtensionAtLevel); beyond it, a ValidationError naming `bySeconds`.
 */
export function extend(request: ApprovalRequest, bySeconds: number, by: string, now: Date): ApprovalRequest {
  requirePending(request, 'extend');
  const allowed = maxExtensionAtLevel(request.hitl, request.level, request.channel);
  const used = extendedSecondsAtLevel(request);
  if (used + bySeconds > allowed) {
    const left = Math.max(0, allowed - used);
    throw new ValidationError(`this request's deadline can be extended by at most ${left} more seconds (the node allows ${allowed} per level)`, [
      { path: 'bySeconds', message: `at most ${left}` },
    ]);
  }
  const dueAt = new Date(Date.parse(request.dueAt) + bySeconds * 1000).toISOString();
  return {
    ...request,
    dueAt,
    events: withEvent(request, { at: now.toISOString(), type: 'extended', actor: by, detail: { bySeconds, dueAt, previousDueAt: request.dueAt, level: request.level } }),
  };
}

/** pending (level n) -> pending (level n+1) with a new due time. */
export function escalate(request: ApprovalRequest, now: Date): ApprovalRequest {
  requirePending(request, 'escalate');
  if (!escalatesAfter(request.hitl, request.level)) throw new IllegalTransitionError(`pending at its last level`, 'escalate');
  const level = request.level + 1;
  const dueAt = new Date(now.getTime() + timeoutAtLevel(request.hitl, level, request.channel) * 1000).toISOString();
  return {
    ...request,
    level,
    dueAt,
    events: withEvent(request, { at: now.toISOString(), type: 'escalated', actor: SYSTEM_TIMEOUT, detail: { level, dueAt } }),
  };
}

/** What a missed deadline does: escalate while levels remain, else time the request out. */
export function expire(request: ApprovalRequest, now: Date): ApprovalRequest {
  requirePending(request, 'expire');
  if (escalatesAfter(request.hitl, request.level)) return escalate(request, now);
  return decide(request, {
    outcome: 'timed_out',
    approver: SYSTEM_TIMEOUT,
    reason: `No decision within the time allowed (due ${request.dueAt}).`,
    scope: 'once',
    channel: 'sweeper',
    decidedAt: now.toISOString(),
  });
}

/** A repeated decision by the same person with the same outcome is the same decision, not a conflict. */
export function isSameDecision(existing: Decision | undefined, approver: string, outcome: Outcome): boolean {
  return existing !== undefined && existing.approver === approver && existing.outcome === outcome;
}
