import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKeys } from '#adapters/dynamodb/audit-repository';
import { requestChainId } from '#core/audit-chain';
import { LOCAL_TABLE_NAME, startLocalApp, type LocalApp } from '#local/app';
import { ConcurrentUpdateError } from '#core/errors';
import { sweepExpired } from '#usecases/sweep-expired';
import { EXPORT_PAGE_ENTRIES } from '../../lambdas/handlers/api/governance-routes.ts';
import { interpose } from '../support/fault-injection.ts';
import { ADMIN, call, eventually } from '../support/http.ts';
import { hitl } from '../support/fixtures.ts';

let app: LocalApp;
beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [] });
});
afterAll(async () => app.close());

const db = () => (app.deps.audit as unknown as { db: DynamoDBDocumentClient }).db;

let counter = 0;
async function paused(config = hitl()) {
  counter++;
  const workflowId = `audit-${counter}-${Date.now()}`;
  const { executionArn } = await app.engine.startExecution(app.stateMachines.approvalGate, {
    workflowId, nodeId: 'pay', step: '1', channel: 'async', hitl: config,
    action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'pay_invoice', args: { amount: 900 } } },
    context: { conversation: [], facts: {} }, requestedBy: 'alice', gateTimeoutSeconds: 3600,
  });
  const approval = await eventually(async () => {
    const page = await call(app.url, 'GET', `/approvals?workflow=${workflowId}`, { as: ADMIN });
    const listed = page.body.items?.[0];
    if (!listed) return undefined;
    // A listing is a summary; the request's history is on its own page.
    const request = (await call(app.url, 'GET', `/approvals/${listed.id}`, { as: ADMIN })).body;
    return request?.events?.some((e: { type: string }) => e.type === 'notified') ? request : undefined;
  }, 10_000, 'the request to be listed and notified');
  return { executionArn, id: approval.id as string };
}

const verify = (executionArn: string) => call(app.url, 'GET', `/audit/verify?execution=${encodeURIComponent(executionArn)}`, { as: ADMIN });

/** Deletes entry `seq` of the chain of request `id` (its state changes: created, decided, ...). */
async function deleteEntry(executionArn: string, id: string, seq: number): Promise<void> {
  await db().send(new DeleteCommand({ TableName: LOCAL_TABLE_NAME, Key: { pk: auditKeys.pk(executionArn), sk: auditKeys.chainSk(requestChainId(id), seq) } }));
}

describe('the audit log drops nothing', () => {
  it('writes one vote entry for each of 50 concurrent votes, and verify finds the chain complete', async () => {
    // Prepare: a 50-of-n node
    const { executionArn, id } = await paused(hitl({ approvers: { users: [], groups: ['payments'] }, quorum: { approvals: 50 } }));
    const voters = Array.from({ length: 50 }, (_, i) => ({ 'x-user': `payer-${i}`, 'x-groups': 'payments' }));
    // Act
    const answers = await Promise.all(voters.map((as) => call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'approve' }, as })));
    // Assess
    expect(answers.every((a) => a.status === 200 || a.status === 202)).toBe(true);
    const stored = (await call(app.url, 'GET', `/approvals/${id}`, { as: ADMIN })).body;
    expect(stored.votes).toHaveLength(50);
    const chain = await app.deps.audit.chain(executionArn);
    expect(chain.filter((e) => e.kind === 'vote')).toHaveLength(50);
    expect(new Set(chain.filter((e) => e.kind === 'vote').map((e) => e.actor)).size).toBe(50);
    expect(chain.filter((e) => e.kind === 'decision')).toHaveLength(1);
    expect((await verify(executionArn)).body).toMatchObject({ ok: true, entries: 52, missing: [] });
  }, 60_000);

  it('keeps a vote\'s entry owed when the chain stays contended, and the sweeper writes it once', async () => {
    // Prepare: a 2-of-n node, and a chain that refuses the first vote entry as a contended one would
    const { executionArn, id } = await paused(hitl({ approvers: { users: [], groups: ['payments'] }, quorum: { approvals: 2 } }));
    let refused = 0;
    const restore = interpose(app.deps.audit, 'append', async (original, record, once) => {
      if (record.kind === 'vote' && refused++ === 0) throw new ConcurrentUpdateError(`could not append to the audit chain of ${record.executionId}`);
      return original(record, once);
    });
    try {
      // Act
      const vote = await call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'approve' }, as: { 'x-user': 'payer-1', 'x-groups': 'payments' } });
      // Assess: the vote counts, its entry is not written but owed, not lost
      expect(vote.status).toBe(202);
      expect((await verify(executionArn)).body).toMatchObject({ ok: true, owed: 1, missing: [] });
    } finally {
      restore();
    }
    const report = await sweepExpired(app.deps, { followUpGraceMs: 0 });
    expect(report.repaired).toBe(1);
    await sweepExpired(app.deps, { followUpGraceMs: 0 });
    const chain = await app.deps.audit.chain(executionArn);
    expect(chain.filter((e) => e.kind === 'vote')).toHaveLength(1);
    expect((await verify(executionArn)).body).toMatchObject({ ok: true, owed: 0, missing: [] });
  });

  it('keeps a cancellation\'s entry owed when the chain refuses it, and the sweeper writes it once', async () => {
    // Prepare: a pending request, and a chain that refuses the cancel entry as a contended one would
    const { executionArn, id } = await paused();
    const restore = interpose(app.deps.audit, 'appendSealed', async (original, entry) => {
      if (entry.kind === 'cancel') throw new ConcurrentUpdateError(`could not append to the audit chain of ${entry.executionId}`);
      return original(entry);
    });
    try {
      // Act
      const cancelled = await call(app.url, 'POST', `/approvals/${id}/cancel`, { body: { reason: 'no longer needed' }, as: ADMIN });
      // Assess: the request is cancelled, its entry is owed, not lost
      expect(cancelled.status).toBe(200);
      expect((await verify(executionArn)).body).toMatchObject({ ok: true, owed: 1, missing: [] });
    } finally {
      restore();
    }
    const report = await sweepExpired(app.deps, { followUpGraceMs: 0 });
    expect(report.repaired).toBe(1);
    await sweepExpired(app.deps, { followUpGraceMs: 0 });
    const chain = await app.deps.audit.chain(executionArn);
    expect(chain.filter((e) => e.kind === 'cancel')).toHaveLength(1);
    expect((await verify(executionArn)).body).toMatchObject({ ok: true, owed: 0, missing: [] });
  });

  it('reports a deleted last entry as a state change with no entry, and a deleted middle entry as a broken chain', async () => {
    // Prepare: two decided requests' worth of entries: gate_paused, decision
    const { executionArn, id } = await paused();
    expect((await call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'approve' } })).status).toBe(200);
    expect((await verify(executionArn)).body).toMatchObject({ ok: true, entries: 2 });

    // Act: delete the tail (the decision): the chain that is left still links up
    await deleteEntry(executionArn, id, 2);
    const tail = await verify(executionArn);

    // Assess: the request's history says it was decided, and its entry is gone
    expect(tail.status).toBe(200);
    expect(tail.body).toMatchObject({ ok: false, entries: 1, missing: [{ problem: 'missing_entry', requestId: id, event: 'decided' }] });

    // Act again: delete the first entry too, now the one in front of nothing
    await deleteEntry(executionArn, id, 1);
    const empty = await verify(executionArn);
    expect(empty.body.ok).toBe(false);
    expect(empty.body.missing.map((m: { event: string }) => m.event)).toEqual(['created', 'decided']);
  });

  it('names a deleted entry in the middle of the chain', async () => {
    const { executionArn, id } = await paused();
    expect((await call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'approve' } })).status).toBe(200);
    await deleteEntry(executionArn, id, 1);
    expect((await verify(executionArn)).body).toMatchObject({ ok: false, brokenAt: 1, problem: `entry 1 is missing of the chain of ${requestChainId(id)}` });
  });

  it('answers 404 for an execution it knows nothing about', async () => {
    const res = await verify('arn:aws:states:local:000000000000:execution:nothing:here');
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/nothing:here/);
  });
});

describe('audit export paging', () => {
  it(`returns ${EXPORT_PAGE_ENTRIES} entries per page with x-next-cursor, and no entry is lost or repeated across pages`, async () => {
    // Prepare: 1,050 entries over 10 executions, in a time range of their own
    const workflowId = `export-${Date.now()}`;
    const from = new Date().toISOString();
    const executions = Array.from({ length: 10 }, (_, i) => `arn:aws:states:local:000000000000:execution:${workflowId}:${i}`);
    await Promise.all(
      executions.map(async (executionId) => {
        for (let n = 0; n < 105; n++) await app.deps.audit.append({ executionId, workflowId, kind: 'message', actor: 'agent', detail: { n } });
      }),
    );
    const to = new Date(Date.now() + 1_000).toISOString();

    // Act: follow the cursor to the end
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await fetch(`${app.url}/audit/export?from=${from}&to=${to}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
        headers: ADMIN,
      });
      expect(res.status).toBe(200);
      pages.push((await res.text()).split('\n').filter(Boolean));
      cursor = res.headers.get('x-next-cursor');
    } while (cursor && pages.length < 10);

    // Assess
    expect(pages[0]).toHaveLength(EXPORT_PAGE_ENTRIES);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const ours = pages.flat().map((line) => JSON.parse(line)).filter((e) => e.workflowId === workflowId);
    const keys = ours.map((e) => `${e.executionId}#${e.seq}`);
    expect(keys).toHaveLength(1_050);
    expect(new Set(keys).size).toBe(1_050);
  }, 120_000);
});
