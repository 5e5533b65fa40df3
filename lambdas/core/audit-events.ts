import type { AuditEntry } from './audit-entry.ts';
import type { ApprovalRequest } from './request.ts';

/**
 * Stable ids of the audit entries a request's state changes owe. The same state change always gets
 * the same id, so an entry written again by a retry or a repair is recognised instead of doubled.
 */
export const auditEventId = {
  gatePaused: (requestId: string) => `${requestId}/gate_paused`,
  vote: (requestId: string, approver: string, level: number) => `${requestId}/vote/${level}/${approver}`,
  /** A request is decided once, by a person, its quorum or a timeout. */
  decision: (requestId: string) => `${requestId}/decision`,
  escalation: (requestId: string, level: number) => `${requestId}/escalation/${level}`,
};

/** A state change in a request's history that must have its entry in the execution's audit chain. */
export interface ExpectedAuditEvent {
  readonly eventId: string;
  readonly requestId: string;
  /** The history event that owes the entry. */
  readonly event: 'created' | 'voted' | 'decided' | 'cancelled' | 'escalated';
  readonly at: string;
}

/** Every audit entry a request's history owes, in history order. */
export function expectedAuditEvents(request: ApprovalRequest): ExpectedAuditEvent[] {
  const expected: ExpectedAuditEvent[] = [];
  for (const event of request.events) {
    const level = Number(event.detail?.level ?? 0);
    const eventId =
      event.type === 'created' ? auditEventId.gatePaused(request.id)
      : event.type === 'voted' ? auditEventId.vote(request.id, event.actor, level)
      : event.type === 'decided' || event.type === 'cancelled' ? auditEventId.decision(request.id)
      : event.type === 'escalated' ? auditEventId.escalation(request.id, level)
      : undefined;
    if (eventId) expected.push({ eventId, requestId: request.id, event: event.type as ExpectedAuditEvent['event'], at: event.at });
  }
  return expected;
}

/**
 * The event id an entry records. Entries written before entries carried ids get theirs from their
 * content, so verifying an older chain still matches them to their requests.
 */
export function eventIdOf(entry: AuditEntry): string | undefined {
  if (entry.eventId) return entry.eventId;
  if (!entry.requestId) return undefined;
  const level = Number(entry.detail.level ?? 0);
  switch (entry.kind) {
    case 'gate_paused':
      return auditEventId.gatePaused(entry.requestId);
    case 'vote':
      return auditEventId.vote(entry.requestId, entry.actor, level);
    case 'decision':
    case 'timeout':
    case 'cancel':
      return auditEventId.decision(entry.requestId);
    case 'escalation':
      return auditEventId.escalation(entry.requestId, level);
    default:
      return undefined;
  }
}
