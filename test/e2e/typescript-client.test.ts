import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHitlClient, requestApproval, verifyWebhook, type HitlClient } from '@hitl-approvals/client';
import { startLocalApp, type LocalApp } from '#local/app';
import { gatesModule } from '#local/gates-module';
import { APPROVER, call, eventually } from '../support/http.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const AGENT = { 'x-user': 'refund-bot', 'x-groups': 'agents' };
let app: LocalApp;
let agent: HitlClient;
let keys = 0;
const newKey = () => `client-${Date.now()}-${keys++}`;
const refund = (amount: number) => ({ kind: 'tool_call' as const, toolCall: { id: `c-${amount}`, name: 'refund', args: { orderId: 'A-1', amount } } });

beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [gatesModule({ env: {} })] });
  agent = createHitlClient({ baseUrl: app.url, headers: AGENT });
});
afterAll(async () => app.close());

/** The id of the agent's pending request for `amount`, once the approver can see it. */
async function pendingRequestFor(amount: number): Promise<string> {
  return eventually(async () => {
    const page = await call(app.url, 'GET', '/approvals?workflow=gate:refund-approval', { as: APPROVER });
    // A listing shows a preview of the arguments, each value as text.
    return page.body.items.find((r: { action: { argsPreview?: Record<string, string> } }) => r.action.argsPreview?.amount === String(amount))?.id as string | undefined;
  }, 20_000, `the pending refund of ${amount}`);
}

describe('requestApproval with wait', () => {
  it('resolves with the decision an approver takes while it waits', async () => {
    // Prepare: an agent whose long poll can be cut, so a failing test does not leave it running past the server
    const stop = new AbortController();
    const waiting = createHitlClient({ baseUrl: app.url, headers: AGENT, fetch: (request) => fetch(request, { signal: stop.signal }) });
    const asked = requestApproval(waiting, 'refund-approval', refund(31), {
      idempotencyKey: newKey(),
      context: { conversation: [{ role: 'user', content: 'refund A-1' }], facts: {} },
      wait: { timeoutSeconds: 60 },
    });
    const outcome = asked.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );

    try {
      // Act
      const id = await pendingRequestFor(31);
      const approver = createHitlClient({ baseUrl: app.url, headers: APPROVER });
      const decided = await approver.POST('/approvals/{id}/respond', { params: { path: { id } }, body: { decision: 'approve', reason: 'looks right' } });

      // Assess
      expect(decided.response.status).toBe(200);
      expect(decided.data?.approval.status).toBe('approved');
      expect(await outcome).toEqual({ value: { status: 'approved', requestId: id, decision: { outcome: 'approved', approver: 'bob', reason: 'looks right' } } });
    } finally {
      stop.abort();
      await outcome;
    }
  });

  it('resolves pending when its own time runs out first', async () => {
    // Act
    const result = await requestApproval(agent, 'refund-approval', refund(32), { idempotencyKey: newKey(), wait: { timeoutSeconds: 1 } });

    // Assess
    expect(result).toMatchObject({ status: 'pending' });
  });

  it('rejects with the API problem when the gate does not exist', async () => {
    // Act
    const asked = requestApproval(agent, 'no-such-gate', refund(33), { idempotencyKey: newKey(), wait: { timeoutSeconds: 1 } });

    // Assess
    await expect(asked).rejects.toMatchObject({ name: 'HitlApiError', status: 404, body: { error: { code: 'NotFound' } } });
  });
});

describe('requestApproval with a webhook', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver(() => 200);
  });
  afterAll(async () => receiver.close());

  it('resolves pending at once, and verifyWebhook accepts the real delivery and refuses a tampered body', async () => {
    // Prepare
    const result = await requestApproval(agent, 'refund-approval', refund(34), { idempotencyKey: newKey(), webhook: { url: receiver.url } });
    expect(result).toMatchObject({ status: 'pending' });
    const id = (result as { requestId: string }).requestId;

    // Act
    await call(app.url, 'POST', `/approvals/${id}/respond`, { as: APPROVER, body: { decision: 'reject', reason: 'too much' } });
    const hook = await eventually(async () => receiver.received.find((h) => JSON.parse(h.body).id === id), 20_000, 'the decision delivery');

    // Assess
    const secret = await app.deps.webhooks!.signingSecret();
    expect(JSON.parse(hook.body)).toMatchObject({ id, status: 'rejected', decision: { outcome: 'rejected', approver: 'bob' } });
    expect(verifyWebhook(secret, hook.headers, hook.body)).toBe(true);
    expect(verifyWebhook(secret, hook.headers, hook.body.replace('rejected', 'approved'))).toBe(false);
    expect(verifyWebhook(`${secret}x`, hook.headers, hook.body)).toBe(false);
  });
});

describe('requestApproval from a Lambda durable function', () => {
  it('stores the callback as the request\'s delivery and never shows its id', async () => {
    // Prepare
    const callbackId = Buffer.from(`callback of ${newKey()}`).toString('base64');

    // Act
    const result = await requestApproval(agent, 'refund-approval', refund(35), { idempotencyKey: newKey(), durable: { callbackId } });

    // Assess
    expect(result).toMatchObject({ status: 'pending' });
    const id = (result as { requestId: string }).requestId;
    const stored = await call(app.url, 'GET', `/approvals/${id}`, { as: APPROVER });
    expect(stored.body).toMatchObject({ status: 'pending', callback: { type: 'durable' } });
    expect(JSON.stringify(stored.body)).not.toContain(callbackId);
  });

  it('refuses two ways of delivery in one call before asking anything', async () => {
    const asked = requestApproval(agent, 'refund-approval', refund(36), { idempotencyKey: newKey(), webhook: { url: 'http://127.0.0.1:1/' }, durable: { callbackId: 'cb' } });
    await expect(asked).rejects.toThrow('not webhook and durable');
  });
});
