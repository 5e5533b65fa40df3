import { createHmac } from 'node:crypto';
import type { AuditEntry, AuditRecord } from './audit-entry.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** The smallest audit key accepted: 32 bytes of entropy, as hex or any string of at least 32 characters. */
export const MIN_AUDIT_KEY_LENGTH = 32;

/** JSON with keys sorted at every level, so a MAC does not depend on property order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * An entry's `hash` is HMAC-SHA256 under the audit key over the previous entry's `hash` and the
 * entry's canonical content (its place in the chain included). Without the key nobody can compute
 * it, so someone who can write the table still cannot rewrite, insert or reorder entries unnoticed.
 */
export function macEntry(key: string, entry: Omit<AuditEntry, 'hash'>): string {
  const { prevHash, ...content } = entry;
  return createHmac('sha256', key).update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}

/** Builds the next entry of an execution's chain after `previous` (undefined for the first). */
export function chainEntry(key: string, record: AuditRecord, previous: AuditEntry | undefined, at: string): AuditEntry {
  const unsigned = { ...record, seq: (previous?.seq ?? 0) + 1, at, prevHash: previous?.hash ?? GENESIS_HASH };
  return { ...unsigned, hash: macEntry(key, unsigned) };
}

export type ChainVerdict =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly brokenAt: number; readonly problem: string };

/** Checks an execution's entries in order: each MAC matches its content under `key` and links to its predecessor. */
export function verifyChain(key: string, entries: readonly AuditEntry[]): ChainVerdict {
  let previous: AuditEntry | undefined;
  for (const entry of entries) {
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (entry.seq !== expectedSeq) {
      return { ok: false, entries: entries.length, brokenAt: expectedSeq, problem: `entry ${expectedSeq} is missing` };
    }
    if (entry.prevHash !== (previous?.hash ?? GENESIS_HASH)) {
      return { ok: false, entries: entries.length, brokenAt: entry.seq, problem: `entry ${entry.seq} does not link to entry ${expectedSeq - 1}` };
    }
    const { hash, ...unsigned } = entry;
    if (macEntry(key, unsigned) !== hash) {
      return { ok: false, entries: entries.length, brokenAt: entry.seq, problem: `entry ${entry.seq} was changed after it was written, or written without the audit key` };
    }
    previous = entry;
  }
  return { ok: true, entries: entries.length };
}
