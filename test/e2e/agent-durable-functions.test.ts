import { createServer, type Server } from 'node:http';
import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner, WaitingOperationStatus } from '@aws/durable-execution-sdk-js-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayDecision, waitForApproval } from '#agents/durable-functions';
import { hitlClient, type HitlClient } from '#agents/hitl';
import { startLocalApp, type LocalApp } from '#local/app';
import { gatesModule } from '#local/gates-module';
import { GATES_DIR } from '../../lambdas/gates/gate-files.ts';
import { call, eventually } from '../support/http.ts';

const BOB = { 'x-user': 'bob', 'x-groups': 'approvers' };
let app: LocalApp;
let hitl: HitlClient;
let receiver: Server;
let receiverUrl: string;
const hooks: { url: string; body: string }[] = [];
let orders = 0;

beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [gatesModule({ dir: GATES_DIR, env: {} })] });
  hitl = hitlClient({ baseUrl: app.url, headers: { 'x-user': 'refund-bot', 'x-groups': 'agents' } });
  // The decision webhook's receiver: it keeps what arrives; each test relays it to its runner.
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      hooks.push({ url: req.url ?? '', body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/decisions`;
  // Real time: skipping it fakes the process's timers, which the API in this process runs on.
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: false });
});
afterAll(async () => {
  await LocalDurableTestRunner.teardownTestEnvironment();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await app.close();
});

/** A durable refund function: it waits for the gate, then refunds (with the approver's arguments) or says why not. */
function refundFunction(refunds: unknown[], timeout: { hours: number } | { seconds: number } = { hours: 1 }) {
  return withDurableExecution(async (event: { orderId: string; amount: number }, ctx: DurableContext) => {
    const args = { orderId: event.orderId, amount: event.amount, country: 'DE' };
    const verdict = await waitForApproval(ctx, 'refund-approval', hitl, {
      gateId: 'refund-approval',
      action: { kind: 'tool_call', toolCall: { id: `refund-${event.orderId}`, name: 'refund', args } },
      webhookUrl: receiverUrl,
      timeout,
    });
    if (!verdict.approved) return { refunded: false, status: verdict.status, reason: verdict.reason };
    return ctx.step('refund', async () => {
      refunds.push(verdict.editedArgs ?? args);
      return { refunded: true, args: verdict.editedArgs ?? args, approver: verdict.approver };
    });
  });
}

/** Starts the function and returns once it waits, with the request the gate created. */
async function pausedFunction() {
  const refunds: unknown[] = [];
  const runner = new LocalDurableTestRunner({ handlerFunction: refundFunction(refunds) });
  const orderId = `O-${Date.now()}-${orders++}`;
  const execution = runner.run({ payload: { orderId, amount: 120 } });
  const callback = runner.getOperation('refund-approval');
  await callback.waitForData(WaitingOperationStatus.SUBMITTED);
  const requestId = await eventually(async () => {
    // A listing shows summaries, without the tool call's id: read the listed requests in whole.
    const pending = await call(app.url, 'GET', '/approvals?workflow=gate:refund-approval', { as: BOB });
    const listed = (pending.body.items ?? []) as { id: string }[];
    const requests = await Promise.all(listed.map(async (item) => (await call(app.url, 'GET', `/approvals/${item.id}`, { as: BOB })).body as { id: string; action: { toolCall?: { id: string } } }));
    return requests.find((r) => r.action.toolCall?.id === `refund-${orderId}`)?.id;
  }, 20_000, 'the gate request');
  /** Relays the decision webhook for this request to the waiting function, as the receiver would on AWS. */
  const relay = async () => {
    const hook = await eventually(async () => hooks.find((h) => JSON.parse(h.body).id === requestId), 20_000, 'the decision webhook');
    return relayDecision(hook, (_callbackId, result) => callback.sendCallbackSuccess(result));
  };
  return { runner, execution, callback, requestId, refunds, relay };
}

describe('a Lambda durable function behind a gate', () => {
  it('pauses on a pending request whose webhook names the callback', async () => {
    // Act
    const { callback, requestId, refunds } = await pausedFunction();

    // Assess
    const stored = await call(app.url, 'GET', `/approvals/${requestId}`, { as: BOB });
    const callbackId = callback.getCallbackDetails()?.callbackId;
    expect(callbackId).toBeTruthy();
    expect(stored.body).toMatchObject({ status: 'pending', callback: { type: 'webhook' } });
    expect(new URL(stored.body.callback.url).searchParams.get('callbackId')).toBe(callbackId);
    expect(refunds).toEqual([]);
  });

  it('resumes with the approval and refunds once with the edited arguments', async () => {
    // Prepare
    const { execution, requestId, refunds, relay } = await pausedFunction();

    // Act
    const decided = await call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: BOB, body: { decision: 'approve', editedArgs: { orderId: 'A-1', amount: 80, country: 'DE' } } });
    const relayed = await relay();
    const result = await execution;

    // Assess
    expect(decided.status).toBe(200);
    expect(relayed).toBe(true);
    expect(result.getStatus()).toBe('SUCCEEDED');
    expect(result.getResult()).toEqual({ refunded: true, args: { orderId: 'A-1', amount: 80, country: 'DE' }, approver: 'bob' });
    expect(refunds).toEqual([{ orderId: 'A-1', amount: 80, country: 'DE' }]);
  });

  it('resumes with the rejection and its reason, without refunding', async () => {
    // Prepare
    const { execution, requestId, refunds, relay } = await pausedFunction();

    // Act
    await call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: BOB, body: { decision: 'reject', reason: 'Order was already refunded.' } });
    await relay();
    const result = await execution;

    // Assess
    expect(result.getStatus()).toBe('SUCCEEDED');
    expect(result.getResult()).toEqual({ refunded: false, status: 'rejected', reason: 'Order was already refunded.' });
    expect(refunds).toEqual([]);
  });

  it('resumes as timed out when no one decides within the wait, without refunding', async () => {
    // Act: the function waits 2 seconds, and no decision arrives.
    const refunds: unknown[] = [];
    const runner = new LocalDurableTestRunner({ handlerFunction: refundFunction(refunds, { seconds: 2 }) });
    const result = await runner.run({ payload: { orderId: `T-${Date.now()}`, amount: 120 } });

    // Assess
    expect(result.getStatus()).toBe('SUCCEEDED');
    expect(result.getResult()).toEqual({ refunded: false, status: 'timed_out', reason: 'No one decided in time.' });
    expect(refunds).toEqual([]);
  });
});
