import { createHash } from 'node:crypto';
import type { AuditEntry, AuditRecord } from './audit-entry.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with keys sorted at every level, so a hash does not depend on property order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash of an entry covers its content, its place in the chain and the previous entry's hash. */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const { prevHash, ...content } = entry;
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}

/** Builds the next entry of an execution's chain after `previous` (undefined for the first). */
export function chainEntry(record: AuditRecord, previous: AuditEntry | undefined, at: string): AuditEntry {
  const unhashed = { ...record, seq: (previous?.seq ?? 0) + 1, at, prevHash: previous?.hash ?? GENESIS_HASH };
  return { ...unhashed, hash: hashEntry(unhashed) };
}

export type ChainVerdict =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly brokenAt: number; readonly problem: string };

/** Checks an execution's entries in order: each hash matches its content and links to its predecessor. */
export function verifyChain(entries: readonly AuditEntry[]): ChainVerdict {
  let previous: AuditEntry | undefined;
  for (const entry of entries) {
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (entry.seq !== expectedSeq) {
      return { ok: false, entries: entries.length, brokenAt: expectedSeq, problem: `entry ${expectedSeq} is missing` };
    }
    if (entry.prevHash !== (previous?.hash ?? GENESIS_HASH)) {
      return { ok: false, entries: entries.length, brokenAt: entry.seq, problem: `entry ${entry.seq} does not link to entry ${expectedSeq - 1}` };
    }
    const { hash, ...unhashed } = entry;
    if (hashEntry(unhashed) !== hash) {
      return { ok: false, entries: entries.length, brokenAt: entry.seq, problem: `entry ${entry.seq} was changed after it was written` };
    }
    previous = entry;
  }
  return { ok: true, entries: entries.length };
}
