import { diffArgs } from './args-diff.ts';
import { IllegalTransitionError } from './errors.ts';
import { escalatesAfter, timeoutAtLevel } from './hitl-config.ts';
import type { ApprovalRequest, Decision, HistoryEvent, Outcome } from './request.ts';
import { SYSTEM_TIMEOUT } from './identity.ts';

const STATUS_BY_OUTCOME: Record<Outcome, ApprovalRequest['status']> = {
  approved: 'approved',
  rejected: 'rejected',
  timed_out: 'timed_out',
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
      type: 'decided',
      actor: decision.approver,
      detail: {
        outcome: decision.outcome,
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
