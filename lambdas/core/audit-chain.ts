import { createHmac } from 'node:crypto';
import type { AuditEntry, AuditRecord } from './audit-entry.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** The smallest audit key accepted: 32 bytes of entropy, as hex or any string of at least 32 characters. */
export const MIN_AUDIT_KEY_LENGTH = 32;

/** Where a chain ends: its last entry's number and MAC. */
export interface ChainTail {
  readonly seq: number;
  readonly hash: string;
}

/** The chain of one request's state changes (created, decided, escalated, cancelled), kept beside its execution's own chain. */
export function requestChainId(requestId: string): string {
  return `request:${requestId}`;
}

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
 * entry's canonical content (its chain and place in it included). Without the key nobody can compute
 * it, so someone who can write the table still cannot rewrite, insert or reorder entries unnoticed.
 */
export function macEntry(key: string, entry: Omit<AuditEntry, 'hash'>): string {
  const { prevHash, ...content } = entry;
  return createHmac('sha256', key).update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}

/** Builds the next entry of an execution's chain after `previous` (undefined for the first). */
export function chainEntry(key: string, record: AuditRecord, previous: AuditEntry | undefined, at: string): AuditEntry {
  return sealEntry(key, record, previous, at);
}

/**
 * The entry that follows `tail` (undefined: the chain's first) in `chain` (undefined: the
 * execution's own chain). Its content, place and MAC are fixed here, before it is stored, so it can
 * be recorded as owed by the write that causes it and stored later, by anyone, as it is.
 */
export function sealEntry(key: string, record: AuditRecord, tail: ChainTail | undefined, at: string, chain?: string): AuditEntry {
  const unsigned = { ...record, ...(chain !== undefined ? { chain } : {}), seq: (tail?.seq ?? 0) + 1, at, prevHash: tail?.hash ?? GENESIS_HASH };
  return { ...unsigned, hash: macEntry(key, unsigned) };
}

export type ChainVerdict =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly brokenAt: number; readonly problem: string; readonly chain?: string };

/**
 * Checks an execution's entries, as stored (in key order, which is each chain's order): those of each
 * chain (the execution's own, and one per request) in order, each MAC matching its content under `key` and linking to its predecessor, numbered from 1
 * without gaps. Reports the first problem found, naming the request chain it is in.
 */
export function verifyChain(key: string, entries: readonly AuditEntry[]): ChainVerdict {
  const chains = new Map<string | undefined, AuditEntry[]>();
  for (const entry of entries) {
    const list = chains.get(entry.chain) ?? [];
    list.push(entry);
    chains.set(entry.chain, list);
  }
  for (const [chain, list] of chains) {
    const problem = firstProblem(key, list);
    if (problem) {
      return {
        ok: false,
        entries: entries.length,
        brokenAt: problem.at,
        problem: chain === undefined ? problem.text : `${problem.text} of the chain of ${chain}`,
        ...(chain !== undefined ? { chain } : {}),
      };
    }
  }
  return { ok: true, entries: entries.length };
}

function firstProblem(key: string, entries: readonly AuditEntry[]): { at: number; text: string } | undefined {
  let previous: AuditEntry | undefined;
  for (const entry of entries) {
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (entry.seq !== expectedSeq) return { at: expectedSeq, text: `entry ${expectedSeq} is missing` };
    if (entry.prevHash !== (previous?.hash ?? GENESIS_HASH)) return { at: entry.seq, text: `entry ${entry.seq} does not link to entry ${expectedSeq - 1}` };
    const { hash, ...unsigned } = entry;
    if (macEntry(key, unsigned) !== hash) {
      return { at: entry.seq, text: `entry ${entry.seq} was changed after it was written, or written without the audit key` };
    }
    previous = entry;
  }
  return undefined;
}
