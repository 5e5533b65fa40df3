import { verifyChain, type ChainVerdict } from '#core/audit-chain';
import type { AuditEntry } from '#core/audit-entry';
import { eventIdOf, expectedAuditEvents } from '#core/audit-events';
import { NotFoundError } from '#core/errors';
import type { ApprovalStore, AuditLog } from '#ports';

/** A state change of a request with no entry in the chain (and none still owed). */
export interface MissingEntry {
  readonly problem: 'missing_entry';
  readonly requestId: string;
  readonly event: string;
  readonly eventId: string;
  readonly at: string;
}

export type AuditVerdict = ChainVerdict & {
  readonly executionId: string;
  /** Requests of the execution whose recorded state changes lack their audit entry. */
  readonly missing: MissingEntry[];
  /** Entries not written yet but recorded as owed on their request: the sweeper writes them. */
  readonly owed: number;
};

/**
 * Re-computes an execution's keyed audit chains (its own and its requests') and names the first entry
 * that does not check out (entries still owed are checked from their request item);
 * then checks the execution's requests: each state change their history records (created, voted,
 * decided, escalated) must have its entry. A deleted last entry leaves the chain intact, and only this
 * second check finds it. An execution with neither entries nor requests is unknown: NotFoundError.
 */
export async function verifyAudit(deps: { readonly audit: AuditLog; readonly store: ApprovalStore }, executionId: string): Promise<AuditVerdict> {
  const [entries, requests, key] = await Promise.all([deps.audit.chain(executionId), deps.store.listByExecution(executionId), deps.audit.key()]);
  if (entries.length === 0 && requests.length === 0) throw new NotFoundError(`no audit entries and no requests for execution ${executionId}`);
  const owedByRequest = await Promise.all(requests.map((request) => deps.store.owedFollowUps(request.id)));
  // An entry sealed by its request's write but not stored yet is checked where it will stand, so an
  // entry after it (stored first) does not look like a gap.
  const sealed = owedByRequest.flat().flatMap((f) => (f.kind === 'audit' && f.entry ? [f.entry] : []));
  const checked = verifyChain(key, withOwedEntries(entries, sealed));
  const chain: ChainVerdict = { ...checked, entries: entries.length };
  const written = new Set(entries.map(eventIdOf).filter((id): id is string => id !== undefined));
  const missing: MissingEntry[] = [];
  let owed = 0;
  requests.forEach((request, i) => {
    const owedIds = new Set(owedByRequest[i]!.flatMap((f) => (f.kind === 'audit' ? [f.record.eventId] : [])));
    for (const expected of expectedAuditEvents(request)) {
      if (written.has(expected.eventId)) continue;
      if (owedIds.has(expected.eventId)) {
        owed++;
        continue;
      }
      missing.push({ problem: 'missing_entry', requestId: expected.requestId, event: expected.event, eventId: expected.eventId, at: expected.at });
    }
  });
  if (chain.ok && missing.length > 0) {
    const first = missing[0]!;
    return {
      ok: false,
      entries: chain.entries,
      brokenAt: entries.length + 1,
      problem: `request ${first.requestId} has a "${first.event}" state change with no audit entry (${missing.length} missing in all)`,
      executionId,
      missing,
      owed,
    };
  }
  return { ...chain, executionId, missing, owed };
}

/** The stored entries, in their stored order, with the owed sealed ones not stored yet put in their places. */
function withOwedEntries(stored: readonly AuditEntry[], owed: readonly AuditEntry[]): AuditEntry[] {
  const at = (entry: AuditEntry) => `${entry.chain ?? ''}#${entry.seq}`;
  const present = new Set(stored.map(at));
  const merged = [...stored];
  for (const entry of owed) {
    if (present.has(at(entry))) continue;
    const before = merged.findIndex((e) => e.chain === entry.chain && e.seq > entry.seq);
    const lastOfChain = merged.findLastIndex((e) => e.chain === entry.chain);
    merged.splice(before >= 0 ? before : lastOfChain >= 0 ? lastOfChain + 1 : merged.length, 0, entry);
  }
  return merged;
}
