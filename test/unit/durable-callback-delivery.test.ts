import { describe, expect, it } from 'vitest';
import { AgentRequestBodySchema } from '#core/agent-request';
import type { DurableCallbackError } from '#core/durable-completion';
import type { ApprovalRequest, Decision, HistoryEvent } from '#core/request';
import type { ApprovalStore, DurableCallbacks } from '#ports';
import { deliverDecision } from '#usecases/deliver-decision';
import { hitl } from '../support/fixtures.ts';

const now = new Date('2026-12-01T10:00:00.000Z');
const CALLBACK_ID = 'Y2FsbGJhY2stMQ==';

function decided(decision: Partial<Decision>): ApprovalRequest {
  return {
    id: 'apr_d', executionId: 'gate:refund-approval/apr_d', workflowId: 'gate:refund-approval', nodeId: 'refund-approval', step: 'k', mode: 'blocking', channel: 'async',
    action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'refund', args: { amount: 20 } } }, context: { conversation: [], facts: {} }, hitl: hitl({ mode: 'blocking' }),
    gateId: 'refund-approval', callback: { type: 'durable' },
    status: decision.outcome ?? 'approved', level: 0, createdAt: now.toISOString(), dueAt: now.toISOString(), delivery: 'pending', events: [],
    decision: { outcome: 'approved', approver: 'bob', scope: 'once', channel: 'api', decidedAt: now.toISOString(), ...decision },
  };
}

/** Records what the delivery wrote; only the calls a durable delivery makes. */
function fakeStore() {
  const marks: { outcome: string; detail?: Record<string, unknown> }[] = [];
  const events: HistoryEvent[] = [];
  const store = {
    getTaskToken: async () => CALLBACK_ID,
    markDelivery: async (_id: string, outcome: string, _at: Date, detail?: Record<string, unknown>) => (marks.push({ outcome, ...(detail ? { detail } : {}) }), undefined),
    appendEvent: async (_id: string, event: HistoryEvent) => void events.push(event),
  } as unknown as ApprovalStore;
  return { store, marks, events };
}

function callbacks(answer?: string) {
  const calls: { kind: 'succeed' | 'fail'; callbackId: string; payload: string | DurableCallbackError }[] = [];
  const fail = async () => {
    if (answer) throw Object.assign(new Error(answer), { name: answer });
  };
  const durable: DurableCallbacks = {
    succeed: async (callbackId, result) => (calls.push({ kind: 'succeed', callbackId, payload: result }), fail()),
    fail: async (callbackId, error) => (calls.push({ kind: 'fail', callbackId, payload: error }), fail()),
  };
  return { durable, calls };
}

const deps = (store: ApprovalStore, durableCallbacks?: DurableCallbacks) => ({ store, clock: { now: () => now }, workflows: {} as never, ...(durableCallbacks ? { durableCallbacks } : {}) });

describe('a durable callback as a request\'s callback', () => {
  it('is accepted with a Lambda callback id, and refused naming callback.callbackId otherwise', () => {
    // Act
    const ok = AgentRequestBodySchema.safeParse({ action: { kind: 'message', text: 'hi' }, callback: { type: 'durable', callbackId: CALLBACK_ID } });
    const bad = AgentRequestBodySchema.safeParse({ action: { kind: 'message', text: 'hi' }, callback: { type: 'durable', callbackId: 'not a callback id!' } });

    // Assess
    expect(ok.success).toBe(true);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['callback', 'callbackId']);
  });
});

describe('delivering a decision to a durable callback', () => {
  it('completes it with success on an approval, carrying the decision and edited arguments', async () => {
    // Prepare
    const { store, marks } = fakeStore();
    const { durable, calls } = callbacks();

    // Act
    const outcome = await deliverDecision(deps(store, durable), decided({ outcome: 'approved', reason: 'ok', editedArgs: { amount: 10 } }));

    // Assess
    expect(outcome.result).toBe('delivered');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ kind: 'succeed', callbackId: CALLBACK_ID });
    expect(JSON.parse(calls[0]!.payload as string)).toEqual({ id: 'apr_d', gateId: 'refund-approval', status: 'approved', decision: { outcome: 'approved', approver: 'bob', reason: 'ok', editedArgs: { amount: 10 } } });
    expect(marks).toEqual([{ outcome: 'delivered', detail: { callback: 'durable', outcome: 'approved' } }]);
  });

  it('fails it on a rejection, a timeout and a cancellation, with the reason as the message', async () => {
    // Prepare
    const { store } = fakeStore();
    const { durable, calls } = callbacks();

    // Act
    await deliverDecision(deps(store, durable), decided({ outcome: 'rejected', reason: 'Too much.' }));
    await deliverDecision(deps(store, durable), decided({ outcome: 'timed_out', approver: 'system:timeout' }));
    await deliverDecision(deps(store, durable), decided({ outcome: 'cancelled', reason: 'Withdrawn.' }));

    // Assess
    expect(calls.map((c) => [c.kind, (c.payload as DurableCallbackError).errorType, (c.payload as DurableCallbackError).errorMessage])).toEqual([
      ['fail', 'ApprovalRejected', 'Too much.'],
      ['fail', 'ApprovalTimedOut', 'No one decided in time.'],
      ['fail', 'ApprovalCancelled', 'Withdrawn.'],
    ]);
    expect(JSON.parse((calls[0]!.payload as DurableCallbackError).errorData)).toMatchObject({ id: 'apr_d', status: 'rejected' });
  });

  it('counts a callback Lambda says is closed already as delivered: the earlier completion reached it', async () => {
    // Prepare
    const { store, marks } = fakeStore();
    const { durable } = callbacks('CallbackTimeoutException');

    // Act
    const outcome = await deliverDecision(deps(store, durable), decided({ outcome: 'approved' }));

    // Assess
    expect(outcome.result).toBe('delivered');
    expect(marks).toEqual([{ outcome: 'delivered', detail: { callback: 'durable', note: 'the callback was closed already' } }]);
  });

  it('records a callback Lambda does not know as gone', async () => {
    // Prepare
    const { store, marks } = fakeStore();
    const { durable } = callbacks('ResourceNotFoundException');

    // Act
    const outcome = await deliverDecision(deps(store, durable), decided({ outcome: 'rejected' }));

    // Assess
    expect(outcome.result).toBe('workflow_gone');
    expect(marks).toMatchObject([{ outcome: 'workflow_gone' }]);
  });

  it('records a request whose callback id is missing as gone, without calling Lambda', async () => {
    // Prepare
    const { store, marks } = fakeStore();
    store.getTaskToken = async () => undefined;
    const { durable, calls } = callbacks();

    // Act
    const outcome = await deliverDecision(deps(store, durable), decided({ outcome: 'approved' }));

    // Assess
    expect(outcome.result).toBe('workflow_gone');
    expect(calls).toEqual([]);
    expect(marks).toMatchObject([{ outcome: 'workflow_gone' }]);
  });

  it('leaves the decision undelivered for the sweeper on any other failure, and where no callbacks are configured', async () => {
    // Prepare
    const { store, marks, events } = fakeStore();
    const { durable } = callbacks('TooManyRequestsException');

    // Act
    const throttled = await deliverDecision(deps(store, durable), decided({ outcome: 'approved' }));
    const unconfigured = await deliverDecision(deps(store), decided({ outcome: 'approved' }));

    // Assess
    expect([throttled.result, unconfigured.result]).toEqual(['pending', 'pending']);
    expect(marks).toEqual([]);
    expect(events.map((e) => e.detail?.error)).toEqual(['TooManyRequestsException', 'NotConfigured']);
  });
});
