import * as z from 'zod';
import { AuditEntrySchema, AuditRecordSchema, type AuditEntry, type AuditRecord } from './audit-entry.ts';

/**
 * Work a state change of a request owes after its write: an audit entry, a notification, a count.
 * The conditional write that changes the request records its follow-ups on the same item (an outbox),
 * so a crash after the write leaves them owed, never forgotten: the gate's retry or the sweeper does
 * them, and each is marked done on the item so none is done twice.
 */
export const FollowUpSchema = z.discriminatedUnion('kind', [
  z.object({
    id: z.string().min(1),
    kind: z.literal('audit'),
    record: AuditRecordSchema.extend({ eventId: z.string().min(1) }),
    /**
     * The entry sealed by the write that owes it (its place in the request's chain, its time and MAC
     * fixed then): doing the follow-up stores it as it is, so a repeat finds it instead of doubling it.
     * Without one, the entry is appended to the execution's chain when the follow-up is done.
     */
    entry: AuditEntrySchema.optional(),
  }),
  z.object({ id: z.string().min(1), kind: z.literal('notify'), reason: z.enum(['created', 'escalated']), level: z.number().int().min(0) }),
  z.object({
    id: z.string().min(1),
    kind: z.literal('stats'),
    outcome: z.enum(['approved', 'rejected', 'timed_out', 'escalated']),
    /** When the counted change happened, so a late count measures the same time to decision. */
    at: z.string(),
  }),
]);
export type FollowUp = z.infer<typeof FollowUpSchema>;

/** The audit entry an owed follow-up carries sealed, if any. */
export function sealedEntryOf(followUp: FollowUp): AuditEntry | undefined {
  return followUp.kind === 'audit' ? followUp.entry : undefined;
}

/** A follow-up as stored on the request item: since when it is owed, who is doing it, where its audit entry went. */
export const OwedFollowUpSchema = z.intersection(
  FollowUpSchema,
  z.object({
    owedAt: z.string(),
    /** Someone is doing it until then; after, anyone may take it over (the doer is presumed dead). */
    leaseUntil: z.string().optional(),
  }),
);
export type OwedFollowUp = z.infer<typeof OwedFollowUpSchema>;

export const followUp = {
  audit: (record: AuditRecord & { eventId: string }): FollowUp => ({ id: `audit:${record.eventId}`, kind: 'audit', record }),
  /** One notification per request and level: the id is what makes it once. */
  notify: (reason: 'created' | 'escalated', level: number): FollowUp => ({ id: `notify:${level}`, kind: 'notify', reason, level }),
  stats: (outcome: 'approved' | 'rejected' | 'timed_out' | 'escalated', at: string, level: number): FollowUp => ({
    id: outcome === 'escalated' ? `stats:escalated:${level}` : 'stats:decision',
    kind: 'stats',
    outcome,
    at,
  }),
};
