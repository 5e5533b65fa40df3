import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKeys } from '#adapters/dynamodb/audit-repository';
import { LOCAL_TABLE_NAME, startLocalApp, type LocalApp } from '#local/app';
import { ADMIN, APPROVER, AUDITOR, call, eventually } from '../support/http.ts';
import { hitl } from '../support/fixtures.ts';

let app: LocalApp;
let deliveries: string[];
beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [] });
  deliveries = [];
  const send = app.engine.sendTaskSuccess.bind(app.engine);
  // Count every resume the system asks for, to prove each workflow resumes exactly once.
  app.engine.sendTaskSuccess = async (token, output) => {
    deliveries.push((output as { requestId: string }).requestId);
    return send(token, output);
  };
});
afterAll(async () => app.close());

let counter = 0;
async function paused(config = hitl(), extra: Record<string, unknown> = {}) {
  counter++;
  const workflowId = `gov-${counter}-${Date.now()}`;
  const { executionArn } = await app.engine.startExecution(app.stateMachines.approvalGate, {
    workflowId, nodeId: 'pay', step: '1', channel: 'async', hitl: config,
    action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'pay_invoice', args: { amount: 900 } } },
    context: { conversation: [], facts: {} }, requestedBy: 'alice', gateTimeoutSeconds: 3600, ...extra,
  });
  // Settled: listed, and its approvers notified (the gate's last write), so snapshots compare like with like.
  const approval = await eventually(async () => {
    const page = await call(app.url, 'GET', `/approvals?workflow=${workflowId}`, { as: ADMIN });
    const listed = page.body.items?.[0];
    if (!listed) return undefined;
    // A listing is a summary; the request's history is on its own page.
    const request = (await call(app.url, 'GET', `/approvals/${listed.id}`, { as: ADMIN })).body;
    return request?.events?.some((e: { type: string }) => e.type === 'notified') ? request : undefined;
  }, 5_000, 'the request to be listed and notified');
  return { executionArn, id: approval.id as string };
}

const payments = (n: number) => Array.from({ length: n }, (_, i) => ({ 'x-user': `payer-${i}`, 'x-groups': 'payments' }));

describe('k-of-n quorum', () => {
  it('resumes a 3-of-20 node exactly once when 20 voters approve at the same moment', async () => {
    // Prepare
    const { executionArn, id } = await paused(hitl({ approvers: { users: [], groups: ['payments'] }, quorum: { approvals: 3 } }));
    // Act
    const answers = await Promise.all(payments(20).map((as) => call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'approve' }, as })));
    const finished = await app.engine.waitForExecution(executionArn, 5_000);
    // Assess
    const stored = (await call(app.url, 'GET', `/approvals/${id}`, { as: ADMIN })).body;
    expect(finished.status).toBe('SUCCEEDED');
    expect((finished.output as any).approval.outcome).toBe('approved');
    expect(deliveries.filter((r) => r === id)).toHaveLength(1);
    expect(stored.votes).toHaveLength(3);
    expect(stored.events.filter((e: { type: string }) => e.type === 'decided')).toHaveLength(1);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 202)).toHaveLength(2);
    expect(statuses.filter((s) => s === 409)).toHaveLength(17);
  });

  it('waits for more votes and then lets a single reject end it', async () => {
    const { executionArn, id } = await paused(hitl({ approvers: { users: [], groups: ['payments'] }, quorum: { approvals: 2 } }));
    const [p0, p1] = payments(2);
    const first = await call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'approve' }, as: p0 });
    const again = await call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'approve' }, as: p0 });
    const no = await call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'reject', reason: 'too much' }, as: p1 });
    const finished = await app.engine.waitForExecution(executionArn, 5_000);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ delivery: 'awaiting_votes', tally: { approvals: 1, rejections: 0 } });
    expect(again.status).toBe(202);
    expect(again.body.decidedNow).toBe(false);
    expect(no.status).toBe(200);
    expect((finished.output as any).approval).toMatchObject({ outcome: 'rejected', reason: 'too much' });
  });

  it('refuses a vote from outside the approver groups and keeps the request unchanged', async () => {
    const { id } = await paused(hitl({ approvers: { users: [], groups: ['payments'] }, quorum: { approvals: 2 } }));
    const before = (await call(app.url, 'GET', `/approvals/${id}`, { as: ADMIN })).body;
    const outsider = await call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'approve' }, as: { 'x-user': 'mallory', 'x-groups': 'approvers' } });
    expect(outsider.status).toBe(403);
    expect((await call(app.url, 'GET', `/approvals/${id}`, { as: ADMIN })).body).toEqual(before);
  });

  it('with distinct approvers per level, refuses an earlier voter after escalation', async () => {
    const config = hitl({
      approvers: { users: [], groups: ['payments'] }, quorum: { approvals: 2 }, timeoutSeconds: 1, onTimeout: 'escalate',
      escalation: [{ approvers: { users: [], groups: ['payments', 'cfo'] }, timeoutSeconds: 600 }], distinctApproversPerLevel: true,
    });
    const { executionArn, id } = await paused(config);
    const [p0] = payments(1);
    await call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'approve' }, as: p0 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await app.sweep();
    expect((await call(app.url, 'GET', `/approvals/${id}`, { as: ADMIN })).body.level).toBe(1);
    const reVote = await call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'approve' }, as: p0 });
    const cfo = await call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'approve' }, as: { 'x-user': 'cfo', 'x-groups': 'cfo' } });
    expect(reVote.status).toBe(403);
    expect(cfo.status).toBe(200);
    expect((await app.engine.waitForExecution(executionArn, 5_000)).status).toBe('SUCCEEDED');
    expect((await call(app.url, 'GET', `/approvals/${id}`, { as: ADMIN })).body.votes.map((v: { approver: string; level: number }) => [v.approver, v.level])).toEqual([['payer-0', 0], ['cfo', 1]]);
  });
});

describe('batch decisions', () => {
  it('decides several pending requests in one call and reports a decided one without overwriting it', async () => {
    const a = await paused();
    const b = await paused();
    await call(app.url, 'POST', `/approvals/${b.id}/respond`, { body: { decision: 'reject', reason: 'no' } });
    const result = await call(app.url, 'POST', '/approvals/batch-respond', {
      body: { decisions: [{ id: a.id, decision: 'approve' }, { id: b.id, decision: 'approve' }, { id: 'apr_missingmissingmissingmiss', decision: 'approve' }] },
    });
    expect(result.status).toBe(200);
    expect(result.body.results.map((r: { status: number }) => r.status)).toEqual([200, 409, 404]);
    expect((await call(app.url, 'GET', `/approvals/${b.id}`, { as: ADMIN })).body.status).toBe('rejected');
    expect((await app.engine.waitForExecution(a.executionArn, 5_000)).status).toBe('SUCCEEDED');
    expect(deliveries.filter((r) => r === a.id)).toHaveLength(1);
  });

  it('refuses an empty or oversized batch with 400', async () => {
    expect((await call(app.url, 'POST', '/approvals/batch-respond', { body: { decisions: [] } })).status).toBe(400);
    const many = Array.from({ length: 51 }, () => ({ id: 'apr_x', decision: 'approve' }));
    expect((await call(app.url, 'POST', '/approvals/batch-respond', { body: { decisions: many } })).status).toBe(400);
  });
});

describe('tamper-evident audit log', () => {
  it('verifies an intact chain and names the first changed entry after tampering', async () => {
    const { executionArn, id } = await paused();
    await call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'approve' } });
    const intact = await call(app.url, 'GET', `/audit/verify?execution=${encodeURIComponent(executionArn)}`, { as: AUDITOR });
    expect(intact.body).toMatchObject({ ok: true, entries: 2 });
    // Tamper: rewrite the actor of the first entry directly in the table
    await (app.deps.audit as any).db.send(new UpdateCommand({
      TableName: LOCAL_TABLE_NAME,
      Key: { pk: auditKeys.pk(executionArn), sk: auditKeys.sk(1) },
      UpdateExpression: 'SET actor = :a',
      ExpressionAttributeValues: { ':a': 'someone-else' },
    }));
    const broken = await call(app.url, 'GET', `/audit/verify?execution=${encodeURIComponent(executionArn)}`, { as: AUDITOR });
    expect(broken.body).toMatchObject({ ok: false, brokenAt: 1 });
  });

  it('exports a time range as newline-delimited JSON to an auditor, and nothing to an approver', async () => {
    const { id } = await paused();
    await call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'approve' } });
    const range = '/audit/export?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z';
    const refused = await fetch(`${app.url}${range}`, { headers: APPROVER });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain(id);
    const res = await fetch(`${app.url}${range}`, { headers: AUDITOR });
    const lines = (await res.text()).trim().split('\n');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('ndjson');
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries.some((e) => e.requestId === id && e.kind === 'decision')).toBe(true);
    expect(entries.every((e) => typeof e.hash === 'string' && typeof e.prevHash === 'string')).toBe(true);
  });

  it('requires a time range for an export', async () => {
    const res = await call(app.url, 'GET', '/audit/export', { as: AUDITOR });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/from/);
  });
});
