import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner, WaitingOperationStatus } from '@aws/durable-execution-sdk-js-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalNotGrantedError, waitForApproval } from '#agents/durable-functions';
import { serveLocalDurableCallbacks, type LocalDurableCallbacks } from '#agents/durable-functions-local';
import { hitlClient } from '#agents/hitl';
import { DELIVERY_LEASE_MS } from '#usecases/deliver-decision';
import { call, eventually, REQUESTER } from '../support/http.ts';
import { startLocalServerProcess, type LocalServerProcess } from '../support/local-server-process.ts';

const AGENT = { 'x-user': 'refund-bot', 'x-groups': 'agents' };
/**
 * The restarted server sweeps often, and comes up with its clock past the dead responder's delivery
 * lease: the lease must run out before the sweeper may deliver, and waiting it out in real time only
 * made the test slow.
 */
const AFTER_RESTART = { HITL_SWEEP_INTERVAL_MS: '500', HITL_CLOCK_AHEAD_MS: String(DELIVERY_LEASE_MS + 1_000) };
const STALL = { HITL_FAULT: 'decision-stalls-before-delivery' };
const servers: LocalServerProcess[] = [];
const dirs: string[] = [];
let callbacks: LocalDurableCallbacks | undefined;

beforeAll(async () => {
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: false });
});
afterAll(async () => {
  for (const server of servers) await server.kill();
  await callbacks?.close();
  await LocalDurableTestRunner.teardownTestEnvironment();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hitl-decision-kill-'));
  dirs.push(dir);
  return dir;
}

async function server(dir: string, env: Record<string, string>): Promise<LocalServerProcess> {
  const started = await startLocalServerProcess(dir, env);
  servers.push(started);
  return started;
}

/** Decides as bob; the server stalls after the decision's write and gets kill -9 there. */
async function decideAndKill(first: LocalServerProcess, requestId: string, body: Record<string, unknown>): Promise<void> {
  const decided = call(first.url, 'POST', `/approvals/${requestId}/respond`, { body }).catch((error: Error) => error);
  await eventually(async () => ((await call(first.url, 'GET', `/approvals/${requestId}`)).body.status !== 'pending' ? true : undefined), 20_000, 'the decision write');
  await first.kill();
  expect(await decided).toBeInstanceOf(Error);
}

async function deliveredOn(url: string, requestId: string): Promise<{ status: string; delivery: string; events: { type: string }[] }> {
  return eventually(async () => {
    const request = await call(url, 'GET', `/approvals/${requestId}`);
    return request.body.delivery === 'delivered' ? request.body : undefined;
  }, 150_000, 'the delivery after the restart');
}

const countOf = (events: { type: string }[], type: string) => events.filter((e) => e.type === type).length;

describe('the server is killed between a decision and its delivery', () => {
  it('resumes the Step Functions execution waiting on the task token once after a restart', async () => {
    // Prepare: a support-agent flow paused at its send_email gate, on a server whose decisions stall
    const dir = dataDir();
    const first = await server(dir, STALL);
    const started = await call(first.url, 'POST', '/flows/support-agent/executions', { body: { input: { message: 'Email carol@example.com our refund policy' } }, as: REQUESTER });
    const [request] = await eventually(async () => {
      const page = await call(first.url, 'GET', '/approvals?workflow=support-agent');
      return page.body.items?.length ? page.body.items : undefined;
    }, 30_000, 'the paused flow');

    // Act
    await decideAndKill(first, request.id, { decision: 'approve', reason: 'fine' });
    const second = await server(dir, AFTER_RESTART);
    const delivered = await deliveredOn(second.url, request.id);
    const execution = await eventually(async () => {
      const found = await call(second.url, 'GET', `/executions/${started.body.executionId}`);
      return found.body.status === 'succeeded' ? found.body : undefined;
    }, 30_000, 'the execution to finish');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // a second delivery would land here

    // Assess: decided once, delivered once, and the approved email went out once
    expect(delivered).toMatchObject({ status: 'approved' });
    expect(countOf(delivered.events, 'decided')).toBe(1);
    expect(countOf(delivered.events, 'delivered')).toBe(1);
    expect(execution.status).toBe('succeeded');
    const mails = readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(join(dir, 'outbox', f), 'utf8'));
    expect(mails.filter((m) => /^To: carol@example\.com/im.test(m) && m.includes(started.body.executionId))).toHaveLength(1);
  }, 300_000);

  it('answers a waiting caller with the decision after a restart', async () => {
    // Prepare: an agent's request without a callback; it waits with GET /approvals/{id}/decision
    const dir = dataDir();
    const first = await server(dir, STALL);
    const created = await call(first.url, 'POST', '/gates/refund-approval/requests', {
      as: AGENT,
      headers: { 'Idempotency-Key': 'kill-before-wait-answer' },
      body: { action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'refund', args: { orderId: 'A-1', amount: 20 } } } },
    });
    expect(created.status).toBe(201);

    // Act
    await decideAndKill(first, created.body.id, { decision: 'reject', reason: 'not this one' });
    const second = await server(dir, AFTER_RESTART);
    const answer = await call(second.url, 'GET', `/approvals/${created.body.id}/decision?waitSeconds=5`, { as: AGENT });
    const delivered = await deliveredOn(second.url, created.body.id);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'rejected', decision: { outcome: 'rejected', reason: 'not this one', approver: 'bob' } });
    expect(countOf(delivered.events, 'decided')).toBe(1);
    expect(countOf(delivered.events, 'delivered')).toBe(1);
  }, 300_000);

  it('completes the durable function\'s callback once, though the first completion was never recorded', async () => {
    // Prepare: the callback server closes the callback, then the API's process gets kill -9 before
    // it hears back; the function runs on the SDK's local runner in this process
    const dir = dataDir();
    let first: LocalServerProcess | undefined;
    let killed: Promise<void> | undefined;
    callbacks = await serveLocalDurableCallbacks({ afterCompletion: () => void (killed ??= first?.kill()) });
    first = await server(dir, { HITL_DURABLE_ENDPOINT: callbacks.url });
    const refunds: unknown[] = [];
    let hitlUrl = first.url;
    const hitl = () => hitlClient({ baseUrl: hitlUrl, headers: AGENT });
    const handler = withDurableExecution(async (event: { orderId: string }, ctx: DurableContext) => {
      const args = { orderId: event.orderId, amount: 20 };
      try {
        const verdict = await waitForApproval(ctx, 'refund-approval', hitl(), { gateId: 'refund-approval', action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'refund', args } } });
        return await ctx.step('refund', async () => (refunds.push(verdict.editedArgs ?? args), 'refunded'));
      } catch (error) {
        if (error instanceof ApprovalNotGrantedError) return `not refunded: ${error.reason}`;
        throw error;
      }
    });
    const runner = new LocalDurableTestRunner({ handlerFunction: handler });
    const operation = runner.getOperation('refund-approval');
    callbacks.track(operation);
    const execution = runner.run({ payload: { orderId: 'D-1' } });
    await operation.waitForData(WaitingOperationStatus.SUBMITTED);
    const callbackId = operation.getCallbackDetails()?.callbackId ?? '';
    const [request] = await eventually(async () => {
      const page = await call(first!.url, 'GET', '/approvals?workflow=gate:refund-approval', { as: AGENT });
      return page.body.items?.length ? page.body.items : undefined;
    }, 20_000, 'the request');

    // Act
    const decided = await call(first.url, 'POST', `/approvals/${request.id}/respond`, { body: { decision: 'approve' } }).catch((error: Error) => error);
    await eventually(async () => (killed ? true : undefined), 20_000, 'the kill');
    await killed;
    const second = await server(dir, { ...AFTER_RESTART, HITL_DURABLE_ENDPOINT: callbacks.url });
    hitlUrl = second.url;
    const delivered = await deliveredOn(second.url, request.id);
    const result = await execution;

    // Assess: one completion reached the function; the retry was told the callback was closed
    expect(decided).toBeInstanceOf(Error);
    expect(callbacks.completions.filter((c) => c.callbackId === callbackId)).toHaveLength(1);
    expect(result.getResult()).toBe('refunded');
    expect(refunds).toEqual([{ orderId: 'D-1', amount: 20 }]);
    expect(countOf(delivered.events, 'delivered')).toBe(1);
    expect(JSON.stringify(delivered.events.find((e) => e.type === 'delivered'))).toContain('closed already');
  }, 300_000);
});
