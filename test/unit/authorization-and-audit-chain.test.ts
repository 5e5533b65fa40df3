import { describe, expect, it } from 'vitest';
import { chainEntry, verifyChain } from '#core/audit-chain';
import { assertMayDecide } from '#core/authorization';
import { ForbiddenError } from '#core/errors';
import type { AuditEntry } from '#core/audit-entry';
import type { ApprovalRequest } from '#core/request';
import { hitl } from '../support/fixtures.ts';

const base = {
  id: 'apr_x', executionId: 'e', workflowId: 'w', nodeId: 'n', step: 's', mode: 'blocking', channel: 'async',
  action: { kind: 'message', text: 'hi' }, context: { conversation: [], facts: {} }, status: 'pending',
  createdAt: '', dueAt: '', events: [], requestedBy: 'requester',
};

const request = (level = 0): ApprovalRequest => ({
  ...base,
  level,
  hitl: hitl({
    mode: 'blocking', approvers: { users: ['alice'], groups: ['approvers'] }, onTimeout: 'escalate',
    escalation: [{ approvers: { users: ['boss'], groups: [] }, timeoutSeconds: 60 }],
  }),
}) as unknown as ApprovalRequest;

describe('who may decide', () => {
  it('lets listed users and group members decide', () => {
    expect(() => assertMayDecide({ userId: 'alice', groups: [] }, request())).not.toThrow();
    expect(() => assertMayDecide({ userId: 'zed', groups: ['approvers'] }, request())).not.toThrow();
  });

  it('refuses anyone else with ForbiddenError', () => {
    expect(() => assertMayDecide({ userId: 'mallory', groups: ['users'] }, request())).toThrow(ForbiddenError);
  });

  it('refuses the requester even when they are an approver', () => {
    expect(() => assertMayDecide({ userId: 'requester', groups: ['approvers'] }, request())).toThrow(/separation of duties/);
  });

  it('admits the escalation level only after escalation', () => {
    expect(() => assertMayDecide({ userId: 'boss', groups: [] }, request(0))).toThrow(ForbiddenError);
    expect(() => assertMayDecide({ userId: 'boss', groups: [] }, request(1))).not.toThrow();
  });
});

describe('keyed audit chain', () => {
  const key = 'k'.repeat(32);
  const record = (n: number) => ({ executionId: 'e', workflowId: 'w', kind: 'decision' as const, actor: `a${n}`, detail: { n } });
  function chain(length: number) {
    const entries: AuditEntry[] = [];
    for (let i = 0; i < length; i++) entries.push(chainEntry(key, record(i), entries.at(-1), `2026-01-01T00:00:0${i}.000Z`));
    return entries;
  }

  it('verifies an untouched chain', () => {
    expect(verifyChain(key, chain(4))).toEqual({ ok: true, entries: 4 });
  });

  it('names the first changed entry', () => {
    const entries = chain(4);
    entries[2] = { ...entries[2], actor: 'someone-else' };
    expect(verifyChain(key, entries)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('refuses a chain rewritten without the key, even when every hash links up', () => {
    const forged = chain(4).map((entry) => ({ ...entry }));
    // Someone with table write access recomputes the chain from entry 2 on with a key of their own.
    for (let i = 1; i < forged.length; i++) {
      const { hash: _, ...unsigned } = { ...forged[i]!, actor: 'mallory', prevHash: forged[i - 1]!.hash };
      forged[i] = { ...unsigned, hash: chainEntry('x'.repeat(32), unsigned, forged[i - 1], unsigned.at).hash };
    }
    expect(verifyChain('x'.repeat(32), forged).ok).toBe(false);
    expect(verifyChain(key, forged)).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('detects a deleted entry in the middle', () => {
    const entries = chain(4);
    entries.splice(1, 1);
    expect(verifyChain(key, entries)).toMatchObject({ ok: false, brokenAt: 2 });
  });
});
