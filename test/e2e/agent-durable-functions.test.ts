import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner, WaitingOperationStatus } from '@aws/durable-execution-sdk-js-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalNotGrantedError, waitForApproval } from '#agents/durable-functions';
import { serveLocalDurableCallbacks, type LocalDurableCallbacks } from '#agents/durable-functions-local';
import { hitlClient, type HitlClient } from '#agents/hitl';
import { startLocalApp, type LocalApp } from '#local/app';
import { gatesModule } from '#local/gates-module';
import { GATES_DIR } from '../../lambdas/gates/gate-files.ts';
import { call, eventually } from '../support/http.ts';

const BOB = { 'x-user': 'bob', 'x-groups': 'approvers' };
let app: LocalApp;
let hitl: HitlClient;
let callbacks: LocalDurableCallbacks;
let orders = 0;

beforeAll(async () => {
  // Lambda's callback API in front of the SDK's local runner; the API completes callbacks through it.
  callbacks = await serveLocalDurableCallbacks();
  app = await startLocalApp({ sweepIntervalMs: 0, durableEndpoint: callbacks.url, modules: [gatesModule({ dir: GATES_DIR, env: {} })] });
  hitl = hitlClient({ baseUrl: app.url, headers: { 'x-user': 'refund-bot', 'x-groups': 'agents' } });
  // Real time: skipping it fakes the process's timers, which the API in this process runs on.
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: false });
});
afterAll(async () => {
  await LocalDurableTestRunner.teardownTestEnvironment();
  await app.close();
  await callbacks.close();
});

/** A durable refund function: it waits for the gate, then refunds (with the approver's arguments) or catches why not. */
function refundFunction(refunds: unknown[], timeout: { hours: number } | { seconds: number } = { hours: 1 }) {
  return withDurableExecution(async (event: { orderId: string; amount: number }, ctx: DurableContext) => {
    const args = { orderId: event.orderId, amount: event.amount, country: 'DE' };
    try {
      const verdict = await waitForApproval(ctx, 'refund-approval', hitl, {
        gateId: 'refund-approval',
        action: { kind: 'tool_call', toolCall: { id: `refund-${event.orderId}`, name: 'refund', args } },
        timeout,
      });
      return await ctx.step('refund', async () => {
        refunds.push(verdict.editedArgs ?? args);
        return { refunded: true, args: verdict.editedArgs ?? args, approver: verdict.approver };
      });
    } catch (error) {
      if (!(error instanceof ApprovalNotGrantedError)) throw error;
      return { refunded: false, status: error.status, reason: error.reason, requestId: error.requestId ?? null };
    }
  });
}

/** Starts the function and returns once it waits, with the request the gate created. */
async function pausedFunction() {
  const refunds: unknown[] = [];
  const runner = new LocalDurableTestRunner({ handlerFunction: refundFunction(refunds) });
  const orderId = `O-${Date.now()}-${orders++}`;
  const callback = runner.getOperation('refund-approval');
  callbacks.track(callback);
  const execution = runner.run({ payload: { orderId, amount: 120 } });
  await callback.waitForData(WaitingOperationStatus.SUBMITTED);
  const callbackId = callback.getCallbackDetails()?.callbackId ?? '';
  const requestId = await eventually(async () => {
    // A listing shows summaries, without the tool call's id: read the listed requests in whole.
    const pending = await call(app.url, 'GET', '/approvals?workflow=gate:refund-approval', { as: BOB });
    const listed = (pending.body.items ?? []) as { id: string }[];
    const requests = await Promise.all(listed.map(async (item) => (await call(app.url, 'GET', `/approvals/${item.id}`, { as: BOB })).body as { id: string; action: { toolCall?: { id: string } } }));
    return requests.find((r) => r.action.toolCall?.id === `refund-${orderId}`)?.id;
  }, 20_000, 'the gate request');
  const completionsOf = () => callbacks.completions.filter((c) => c.callbackId === callbackId);
  return { execution, callbackId, requestId, refunds, completionsOf };
}

describe('a Lambda durable function behind a gate', () => {
  it('pauses on a pending request whose callback is the function\'s durable callback, whose id nobody reads', async () => {
    // Act
    const { callbackId, requestId, refunds } = await pausedFunction();

    // Assess
    const stored = await call(app.url, 'GET', `/approvals/${requestId}`, { as: BOB });
    expect(callbackId).toBeTruthy();
    expect(stored.body).toMatchObject({ status: 'pending', callback: { type: 'durable' } });
    expect(JSON.stringify(stored.body)).not.toContain(callbackId);
    const asAgent = await call(app.url, 'GET', `/approvals/${requestId}`, { as: { 'x-user': 'refund-bot', 'x-groups': 'agents' } });
    expect(asAgent.status).toBe(200);
    expect(JSON.stringify(asAgent.body)).not.toContain(callbackId);
    expect(refunds).toEqual([]);
  });

  it('resumes with the approval and refunds once with the edited arguments', async () => {
    // Prepare
    const { execution, requestId, refunds, completionsOf } = await pausedFunction();

    // Act
    const decided = await call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: BOB, body: { decision: 'approve', editedArgs: { orderId: 'A-1', amount: 80, country: 'DE' } } });
    const result = await execution;

    // Assess
    expect(decided.status).toBe(200);
    expect(result.getStatus()).toBe('SUCCEEDED');
    expect(result.getResult()).toEqual({ refunded: true, args: { orderId: 'A-1', amount: 80, country: 'DE' }, approver: 'bob' });
    expect(refunds).toEqual([{ orderId: 'A-1', amount: 80, country: 'DE' }]);
    expect(completionsOf().map((c) => c.kind)).toEqual(['succeed']);
    const stored = await call(app.url, 'GET', `/approvals/${requestId}`, { as: BOB });
    expect(stored.body).toMatchObject({ status: 'approved', delivery: 'delivered' });
  });

  it('fails the wait with the rejection and its reason, which the function catches, without refunding', async () => {
    // Prepare
    const { execution, requestId, refunds, completionsOf } = await pausedFunction();

    // Act
    await call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: BOB, body: { decision: 'reject', reason: 'Order was already refunded.' } });
    const result = await execution;

    // Assess
    expect(result.getStatus()).toBe('SUCCEEDED');
    expect(result.getResult()).toEqual({ refunded: false, status: 'rejected', reason: 'Order was already refunded.', requestId });
    expect(refunds).toEqual([]);
    expect(completionsOf()).toMatchObject([{ kind: 'fail', payload: { ErrorType: 'ApprovalRejected', ErrorMessage: 'Order was already refunded.' } }]);
  });

  it('fails the wait as timed out when the gate times the request out, which the function catches', async () => {
    // Prepare: the request's deadline passes; the sweeper times it out
    const { execution, requestId, refunds, completionsOf } = await pausedFunction();
    const request = await app.deps.store.get(requestId);
    const past = { now: () => new Date(Date.parse(request!.dueAt) + 1_000) };

    // Act
    const { sweepExpired } = await import('#usecases/sweep-expired');
    await sweepExpired({ ...app.deps, clock: past });
    const result = await execution;

    // Assess
    expect(result.getStatus()).toBe('SUCCEEDED');
    expect(result.getResult()).toMatchObject({ refunded: false, status: 'timed_out', requestId });
    expect(refunds).toEqual([]);
    expect(completionsOf()).toMatchObject([{ kind: 'fail', payload: { ErrorType: 'ApprovalTimedOut' } }]);
  });

  it('fails the wait as timed out when no one decides within the function\'s own wait, without refunding', async () => {
    // Act: the function waits 2 seconds, and no decision arrives.
    const refunds: unknown[] = [];
    const runner = new LocalDurableTestRunner({ handlerFunction: refundFunction(refunds, { seconds: 2 }) });
    const result = await runner.run({ payload: { orderId: `T-${Date.now()}`, amount: 120 } });

    // Assess
    expect(result.getStatus()).toBe('SUCCEEDED');
    expect(result.getResult()).toEqual({ refunded: false, status: 'timed_out', reason: 'No one decided in time.', requestId: null });
    expect(refunds).toEqual([]);
  });
});
