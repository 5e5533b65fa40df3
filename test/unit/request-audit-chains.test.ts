import { describe, expect, it } from 'vitest';
import { chainEntry, macEntry, requestChainId, sealEntry, verifyChain, type ChainTail } from '#core/audit-chain';
import type { AuditEntry, AuditRecord } from '#core/audit-entry';

const key = 'k'.repeat(32);
const record = (requestId: string, n: number): AuditRecord => ({ executionId: 'e', workflowId: 'w', requestId, kind: 'decision', actor: `a${n}`, detail: { n } });

/** `length` entries sealed one after another onto the chain of request `id`, as its writes would. */
function requestChain(id: string, length: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let tail: ChainTail | undefined;
  for (let i = 0; i < length; i++) {
    const entry = sealEntry(key, record(id, i), tail, `2026-01-01T00:00:0${i}.000Z`, requestChainId(id));
    tail = { seq: entry.seq, hash: entry.hash };
    entries.push(entry);
  }
  return entries;
}

describe('request audit chains beside the execution chain', () => {
  it('verifies an execution chain and two request chains stored beside it', () => {
    const own = [chainEntry(key, record('-', 0), undefined, '2026-01-01T00:00:00.000Z')];
    own.push(chainEntry(key, record('-', 1), own[0], '2026-01-01T00:00:01.000Z'));

    const verdict = verifyChain(key, [...own, ...requestChain('r1', 3), ...requestChain('r2', 2)]);

    expect(verdict).toEqual({ ok: true, entries: 7 });
  });

  it('names the request chain with a gap, and the entry missing from it', () => {
    const [first, , third] = requestChain('r1', 3);

    const verdict = verifyChain(key, [first!, third!, ...requestChain('r2', 2)]);

    expect(verdict).toMatchObject({ ok: false, brokenAt: 2, chain: requestChainId('r1'), problem: `entry 2 is missing of the chain of ${requestChainId('r1')}` });
  });

  it('refuses an entry moved to another request chain, whose MAC covers the chain it was sealed for', () => {
    const [moved] = requestChain('r1', 1);

    const verdict = verifyChain(key, [{ ...moved!, chain: requestChainId('r2') }]);

    expect(verdict).toMatchObject({ ok: false, brokenAt: 1, problem: expect.stringMatching(/changed after it was written/) });
  });

  it('seals an entry whose MAC is fixed before it is stored: the same inputs seal the same entry', () => {
    const once = sealEntry(key, record('r1', 0), undefined, '2026-01-01T00:00:00.000Z', requestChainId('r1'));
    const again = sealEntry(key, record('r1', 0), undefined, '2026-01-01T00:00:00.000Z', requestChainId('r1'));

    expect(again).toEqual(once);
    const { hash, ...unsigned } = once;
    expect(macEntry(key, unsigned)).toBe(hash);
  });
});
