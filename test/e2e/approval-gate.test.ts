import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { AUDITOR, OUTSIDER, REQUESTER, call, eventually } from '../support/http.ts';
import { hitl } from '../support/fixtures.ts';

let app: LocalApp;
beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [] });
});
afterAll(async () => app.close());

let counter = 0;
/** Starts a real execution of the approval-gate state machine and waits until its request is listed. */
async function pausedExecution(overrides: Record<string, unknown> = {}) {
  counter++;
  const workflowId = `gate-e2e-${counter}-${Date.now()}`;
  const { executionArn } = await app.engine.startExecution(app.stateMachines.approvalGate, {
    workflowId,
    nodeId: 'send',
    step: '1',
    channel: 'async',
    hitl: hitl(),
    action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'send_email', args: { to: 'carol@example.com' } } },
    context: { conversation: [{ role: 'user', content: 'Email carol our refund policy' }], facts: {} },
    requestedBy: 'alice',
    gateTimeoutSeconds: 3600,
    ...overrides,
  });
  // Settled: listed, and its approvers notified (the gate's last write), so snapshots compare like with like.
  const approval = await eventually(async () => {
    const page = await call(app.url, 'GET', `/approvals?workflow=${workflowId}`);
    const listed = page.body.items?.[0];
    if (!listed) return undefined;
    const whole = (await call(app.url, 'GET', `/approvals/${listed.id}`)).body;
    return whole.events.some((e: { type: string }) => e.type === 'notified') ? whole : undefined;
  }, 5_000, 'the request to be listed and notified');
  return { executionArn, approval, workflowId };
}

describe('approval gate over HTTP on the local engines', () => {
  it('pauses an execution, lists and shows its request, and resumes it as approved', async () => {
    // Prepare
    const { executionArn, approval } = await pausedExecution();
    expect((await app.engine.describeExecution(executionArn)).status).toBe('RUNNING');
    // Act
    const detail = await call(app.url, 'GET', `/approvals/${approval.id}`);
    const decided = await call(app.url, 'POST', `/approvals/${approval.id}/respond`, { body: { decision: 'approve', reason: 'looks right' } });
    const finished = await app.engine.waitForExecution(executionArn, 5_000);
    // Assess
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ status: 'pending', nodeId: 'send', mode: 'confirm_tools', action: { toolCall: { name: 'send_email' } } });
    expect(detail.body.context.conversation[0].content).toContain('refund');
    expect(detail.body.dueAt).toBeDefined();
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ delivery: 'delivered', approval: { status: 'approved', decision: { approver: 'bob', reason: 'looks right' } } });
    expect(finished.status).toBe('SUCCEEDED');
    expect((finished.output as any).approval).toMatchObject({ outcome: 'approved', approver: 'bob', reason: 'looks right' });
  });

  it('resumes a rejected execution with the reason, refuses a second different decision with 409 and repeats the first with 200', async () => {
    const { executionArn, approval } = await pausedExecution();
    const reject = await call(app.url, 'POST', `/approvals/${approval.id}/respond`, { body: { decision: 'reject', reason: 'call the customer instead' } });
    const finished = await app.engine.waitForExecution(executionArn, 5_000);
    const again = await call(app.url, 'POST', `/approvals/${approval.id}/respond`, { body: { decision: 'reject', reason: 'call the customer instead' } });
    const other = await call(app.url, 'POST', `/approvals/${approval.id}/respond`, { body: { decision: 'approve' } });
    expect(reject.status).toBe(200);
    expect((finished.output as any).approval).toMatchObject({ outcome: 'rejected', reason: 'call the customer instead' });
    expect(again.status).toBe(200);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('AlreadyDecided');
  });

  it('shows the request history: created, notified, decided, delivered', async () => {
    const { executionArn, approval } = await pausedExecution();
    await eventually(async () => {
      const events = await call(app.url, 'GET', `/approvals/${approval.id}/events`);
      return events.body.items.some((e: { type: string }) => e.type === 'notified') ? true : undefined;
    }, 5_000, 'the notification to be recorded');
    await call(app.url, 'POST', `/approvals/${approval.id}/respond`, { body: { decision: 'approve' } });
    await app.engine.waitForExecution(executionArn, 5_000);
    const events = await call(app.url, 'GET', `/approvals/${approval.id}/events`);
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual(['created', 'notified', 'decided', 'delivered']);
  });

  it('answers 401 without identity, 403 to a non-approver and to the requester', async () => {
    const { approval } = await pausedExecution();
    expect((await call(app.url, 'GET', '/approvals', { as: null })).status).toBe(401);
    expect((await call(app.url, 'POST', `/approvals/${approval.id}/respond`, { body: { decision: 'approve' }, as: OUTSIDER })).status).toBe(403);
    const own = await call(app.url, 'POST', `/approvals/${approval.id}/respond`, { body: { decision: 'approve' }, as: { ...REQUESTER, 'x-groups': 'approvers' } });
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/separation of duties/);
  });

  it('expires an unanswered request through the sweeper and ends the execution as timed out', async () => {
    const { executionArn, approval } = await pausedExecution({ hitl: hitl({ timeoutSeconds: 1 }) });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await app.sweep();
    const finished = await app.engine.waitForExecution(executionArn, 5_000);
    const stored = await call(app.url, 'GET', `/approvals/${approval.id}`);
    expect(stored.body.status).toBe('timed_out');
    expect((finished.output as any).approval.outcome).toBe('timed_out');
    const history = await call(app.url, 'GET', `/history?approver=system:timeout`, { as: AUDITOR });
    expect(history.body.items.map((r: { id: string }) => r.id)).toContain(approval.id);
  });

  it('lists decided requests in the history and decisions in the audit log', async () => {
    const { executionArn, approval, workflowId } = await pausedExecution();
    await call(app.url, 'POST', `/approvals/${approval.id}/respond`, { body: { decision: 'approve' } });
    await app.engine.waitForExecution(executionArn, 5_000);
    const history = await call(app.url, 'GET', `/history?workflow=${workflowId}`, { as: AUDITOR });
    expect(history.body.items.map((r: { id: string }) => r.id)).toEqual([approval.id]);
    const audit = await call(app.url, 'GET', `/audit?execution=${encodeURIComponent(executionArn)}`, { as: AUDITOR });
    expect(audit.body.items.map((e: { kind: string }) => e.kind)).toEqual(['gate_paused', 'decision']);
  });
});

describe('bad input gets a 4xx naming the problem, never a 500', () => {
  const cases: [string, string, string, { body?: unknown; raw?: string; headers?: Record<string, string> }, number, RegExp][] = [
    ['malformed JSON', 'POST', '/approvals/ID/respond', { raw: '{"decision":' }, 400, /JSON/],
    ['unknown decision', 'POST', '/approvals/ID/respond', { body: { decision: 'maybe' } }, 400, /decision/],
    ['unknown field', 'POST', '/approvals/ID/respond', { body: { decision: 'approve', admin: true } }, 400, /admin/],
    ['wrong type', 'POST', '/approvals/ID/respond', { body: { decision: 'approve', reason: 42 } }, 400, /reason/],
    ['array body', 'POST', '/approvals/ID/respond', { body: [1, 2] }, 400, /body/],
    ['oversize body', 'POST', '/approvals/ID/respond', { body: { decision: 'approve', reason: 'x'.repeat(70_000) } }, 413, /bytes/],
    ['wrong content type', 'POST', '/approvals/ID/respond', { raw: 'decision=approve', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, /Media/],
    ['negative limit', 'GET', '/approvals?limit=-5', {}, 400, /limit/],
    ['forged cursor', 'GET', '/approvals?cursor=%7B%22bogus', {}, 400, /cursor/],
    ['unknown query parameter', 'GET', '/approvals?sort=asc', {}, 400, /sort/],
    ['bad time range', 'GET', '/history?from=yesterday', { headers: AUDITOR }, 400, /from/],
    ['unknown route', 'GET', '/nope', {}, 404, /Route/],
  ];

  it.each(cases)('%s', async (_name, method, path, options, status, message) => {
    const { approval } = path.includes('ID') ? await pausedExecution() : { approval: { id: '' } };
    const before = approval.id ? await call(app.url, 'GET', `/approvals/${approval.id}`) : undefined;
    const response = await call(app.url, method, path.replace('ID', approval.id), options);
    expect(response.status).toBe(status);
    expect(response.text).toMatch(message);
    if (before) expect((await call(app.url, 'GET', `/approvals/${approval.id}`)).body).toEqual(before.body);
  });

  it('answers 404 for unknown ids and ids with path characters', async () => {
    expect((await call(app.url, 'GET', '/approvals/does-not-exist')).status).toBe(404);
    expect((await call(app.url, 'GET', '/approvals/apr_aaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
    expect((await call(app.url, 'GET', '/approvals/..%2F..%2Fetc')).status).toBe(404);
    expect((await call(app.url, 'POST', '/approvals/does-not-exist/respond', { body: { decision: 'approve' } })).status).toBe(404);
  });
});
