import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '#core/webhook-signature';
import { startLocalApp, type LocalApp } from '#local/app';
import { gatesModule } from '#local/gates-module';
import { GATES_DIR } from '../../lambdas/gates/gate-files.ts';
import { ManualClock } from '../support/fixtures.ts';
import { APPROVER, call } from '../support/http.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const AGENT = { 'x-user': 'refund-bot', 'x-groups': 'agents' };
const OTHER_AGENT = { 'x-user': 'other-bot', 'x-groups': 'agents' };
const ADMIN = { 'x-user': 'root', 'x-groups': 'admins' };
let app: LocalApp;
const clock = new ManualClock(new Date());
let keys = 0;
const newKey = () => `key-${Date.now()}-${keys++}`;

function refundBody(amount: number, extra: Record<string, unknown> = {}) {
  return {
    action: { kind: 'tool_call', toolCall: { id: `c-${amount}`, name: 'refund', args: { orderId: 'A-1', amount } } },
    context: { conversation: [{ role: 'user', content: 'refund A-1' }], facts: { customerTier: 'gold' } },
    ...extra,
  };
}

/** `key` null sends no Idempotency-Key header. */
function ask(gateId: string, body: unknown, key: string | null = newKey(), as: Record<string, string> = AGENT) {
  return call(app.url, 'POST', `/gates/${gateId}/requests`, { body, as, headers: key === null ? {} : { 'Idempotency-Key': key } });
}

beforeAll(async () => {
  // The shipped gates, and one confirm_tools gate whose policy answers small refunds at once.
  const dir = mkdtempSync(join(tmpdir(), 'gates-'));
  copyFileSync(join(GATES_DIR, 'refund-approval.json'), join(dir, 'refund-approval.json'));
  writeFileSync(
    join(dir, 'refund-policy.json'),
    JSON.stringify({
      id: 'refund-policy',
      name: 'Refunds by amount',
      hitl: {
        mode: 'confirm_tools',
        approvers: { groups: ['approvers'] },
        policies: [
          { id: 'refund-blocked-country', tools: ['refund'], when: 'has(args.country) && args.country == "KP"', effect: 'deny', reason: 'Refunds to this country are not allowed.' },
          { id: 'refund-small', tools: ['refund'], when: 'args.amount <= 50', effect: 'allow' },
        ],
      },
    }),
  );
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [gatesModule({ dir, env: {} })], clock });
});
afterAll(async () => app.close());

describe('asking a gate', () => {
  it('creates a pending request as the calling agent, and the same key and body return the same request', async () => {
    // Prepare
    const key = newKey();

    // Act
    const first = await ask('refund-approval', refundBody(20), key);
    const again = await ask('refund-approval', refundBody(20), key);

    // Assess
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'pending', gateId: 'refund-approval', createdBy: 'refund-bot', requestedBy: 'refund-bot', mode: 'blocking', callback: { type: 'none' } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const pending = await call(app.url, 'GET', '/approvals?workflow=gate:refund-approval');
    expect(pending.body.items.filter((r: { id: string }) => r.id === first.body.id)).toHaveLength(1);
  });

  it('makes one request of five calls with the same key at the same moment', async () => {
    // Prepare
    const key = newKey();

    // Act
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask('refund-approval', refundBody(20), key)));

    // Assess
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(4);
  });

  it('refuses the same key with another body with 409, and keeps the first request', async () => {
    // Prepare
    const key = newKey();
    const first = await ask('refund-approval', refundBody(20), key);

    // Act
    const conflict = await ask('refund-approval', refundBody(25), key);

    // Assess
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('IdempotencyConflict');
    const stored = await call(app.url, 'GET', `/approvals/${first.body.id}`);
    expect(stored.body.action.toolCall.args.amount).toBe(20);
  });

  it('gives a different agent using the same key a request of its own', async () => {
    // Prepare
    const key = newKey();

    // Act
    const mine = await ask('refund-approval', refundBody(20), key);
    const theirs = await ask('refund-approval', refundBody(20), key, OTHER_AGENT);

    // Assess
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('answers 4xx naming what is wrong', async () => {
    // Act
    const unknownGate = await ask('no-such-gate', refundBody(5));
    const badAction = await ask('refund-approval', { action: { kind: 'nonsense' } });
    const badArgs = await ask('refund-approval', { action: { kind: 'tool_call', toolCall: { id: 'c', name: 'refund', args: 'none' } } });
    const noKey = await ask('refund-approval', refundBody(5), null);
    const farWebhook = await ask('refund-approval', refundBody(5, { callback: { type: 'webhook', url: 'https://receiver.example.com/hook' } }));
    const notAnAgent = await ask('refund-approval', refundBody(5), newKey(), APPROVER);

    // Assess
    expect(unknownGate.status).toBe(404);
    expect(badAction.status).toBe(400);
    expect(badAction.body.error.issues.map((i: { path: string }) => i.path)).toContain('action.kind');
    expect(badArgs.status).toBe(400);
    expect(badArgs.body.error.issues.map((i: { path: string }) => i.path)).toContain('action.toolCall.args');
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.issues[0].path).toBe('Idempotency-Key');
    expect(farWebhook.status).toBe(400);
    expect(farWebhook.body.error.issues[0].path).toBe('callback.url');
    expect(notAnAgent.status).toBe(403);
  });

  it("answers at once when the gate's policy needs no person, and audits it", async () => {
    // Act
    const small = await ask('refund-policy', refundBody(20));
    const blocked = await ask('refund-policy', { ...refundBody(20), action: { kind: 'tool_call', toolCall: { id: 'c9', name: 'refund', args: { orderId: 'A-1', amount: 20, country: 'KP' } } } });
    const large = await ask('refund-policy', refundBody(80));

    // Assess
    expect(small.status).toBe(200);
    expect(small.body).toMatchObject({ status: 'allowed', policyId: 'refund-small' });
    expect(blocked.body).toMatchObject({ status: 'denied', policyId: 'refund-blocked-country', reason: 'Refunds to this country are not allowed.' });
    expect(large.status).toBe(201);
    const audit = await call(app.url, 'GET', '/audit?workflow=gate:refund-policy', { as: ADMIN });
    const kinds = audit.body.items.map((e: { kind: string; detail: { policyId?: string } }) => `${e.kind}:${e.detail.policyId}`);
    expect(kinds).toEqual(expect.arrayContaining(['gate_passed:refund-small', 'gate_denied:refund-blocked-country', 'gate_paused:default']));
  });
});

describe('waiting for the decision', () => {
  it('says pending, then holds a long poll until an approver decides', async () => {
    // Prepare
    const created = await ask('refund-approval', refundBody(20));
    const id = created.body.id;

    // Act
    const before = await call(app.url, 'GET', `/approvals/${id}/decision?waitSeconds=0`, { as: AGENT });
    const waiting = call(app.url, 'GET', `/approvals/${id}/decision?waitSeconds=20`, { as: AGENT });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const decided = await call(app.url, 'POST', `/approvals/${id}/respond`, { body: { decision: 'reject', reason: 'no receipt' } });
    const after = await waiting;

    // Assess
    expect(before.body).toEqual({ status: 'pending' });
    expect(decided.status).toBe(200);
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ status: 'rejected', decision: { outcome: 'rejected', reason: 'no receipt', approver: 'bob' } });
  });

  it('tells another agent the request does not exist, and refuses a wait above 25 s naming waitSeconds', async () => {
    // Prepare
    const created = await ask('refund-approval', refundBody(20));

    // Act
    const other = await call(app.url, 'GET', `/approvals/${created.body.id}/decision`, { as: OTHER_AGENT });
    const tooLong = await call(app.url, 'GET', `/approvals/${created.body.id}/decision?waitSeconds=60`, { as: AGENT });

    // Assess
    expect(other.status).toBe(404);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.issues[0].path).toBe('waitSeconds');
  });
});

describe('webhook delivery', () => {
  let receiver: WebhookReceiver | undefined;
  afterAll(async () => receiver?.close());

  async function decidedWithHook(answer: Parameters<typeof startWebhookReceiver>[0]) {
    await receiver?.close();
    receiver = await startWebhookReceiver(answer);
    const created = await ask('refund-approval', refundBody(20, { callback: { type: 'webhook', url: receiver.url } }));
    const decided = await call(app.url, 'POST', `/approvals/${created.body.id}/respond`, { body: { decision: 'approve', reason: 'fine' } });
    return { id: created.body.id as string, decided, receiver };
  }
  const eventsOf = async (id: string) => ((await app.deps.store.get(id))?.events ?? []).map((e) => e.type);

  it('POSTs the decision once, signed over timestamp and body', async () => {
    // Act
    const { id, decided, receiver } = await decidedWithHook(() => 200);
    await app.sweep();

    // Assess
    expect(decided.status).toBe(200);
    expect(decided.body.delivery).toBe('delivered');
    expect(receiver.received).toHaveLength(1);
    const [hook] = receiver.received;
    expect(JSON.parse(hook.body)).toMatchObject({ id, gateId: 'refund-approval', status: 'approved', decision: { outcome: 'approved', approver: 'bob', reason: 'fine' } });
    const secret = await app.deps.webhooks!.signingSecret();
    const headers = { timestamp: String(hook.headers['x-hitl-timestamp']), signature: String(hook.headers['x-hitl-signature']) };
    expect(verifyWebhook(secret, headers, hook.body, clock.now())).toBe(true);
    expect(verifyWebhook(secret, headers, hook.body.replace('approved', 'rejected'), clock.now())).toBe(false);
    expect((await eventsOf(id)).filter((type) => type === 'delivered')).toHaveLength(1);
  });

  it('retries a receiver that answers 5xx after the backoff delay, until a 2xx', async () => {
    // Prepare: the receiver fails twice, then accepts
    const { id, decided, receiver } = await decidedWithHook((_, index) => (index < 2 ? 503 : 200));

    // Act
    const tooEarly = await app.sweep();
    clock.advance(1_000);
    await app.sweep(); // the second attempt, 1 s later, fails too
    clock.advance(4_000);
    const stillWaiting = await app.sweep(); // the third is due 5 s after the second
    clock.advance(1_000);
    await app.sweep();
    clock.advance(60_000);
    await app.sweep();

    // Assess
    expect(decided.status).toBe(202);
    expect(decided.body.delivery).toBe('pending');
    expect(tooEarly.delivered).toBe(0);
    expect(stillWaiting.delivered).toBe(0);
    expect(receiver.received).toHaveLength(3);
    expect(receiver.received.map((hook) => hook.headers['x-hitl-attempt'])).toEqual(['1', '2', '3']);
    const stored = await app.deps.store.get(id);
    expect(stored).toMatchObject({ delivery: 'delivered', deliveryAttempts: 2 });
    expect((await eventsOf(id)).filter((type) => type === 'delivery_failed')).toHaveLength(2);
    expect((await eventsOf(id)).filter((type) => type === 'delivered')).toHaveLength(1);
  });

  it('does not hold the decision for a receiver that never answers', async () => {
    // Act: the receiver holds every call open
    const { id, decided, receiver } = await decidedWithHook(() => 'hang');

    // Assess: the approver got an answer while the receiver still holds the call
    expect(decided.status).toBe(202);
    expect(decided.body).toMatchObject({ delivery: 'pending', approval: { status: 'approved' } });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.acknowledged()).toHaveLength(0);
    const stored = await app.deps.store.get(id);
    expect(stored?.events.at(-1)).toMatchObject({ type: 'delivery_failed', detail: { attempt: 1, status: 0 } });
  });

  it('POSTs a timed-out request when its gate stops waiting', async () => {
    // Prepare
    await receiver?.close();
    receiver = await startWebhookReceiver(() => 200);
    const created = await ask('refund-approval', refundBody(20, { callback: { type: 'webhook', url: receiver.url } }));

    // Act: the shipped gate waits 30 minutes
    clock.advance(31 * 60 * 1000);
    await app.sweep();

    // Assess
    expect(receiver.received.map((hook) => JSON.parse(hook.body))).toEqual([
      expect.objectContaining({ id: created.body.id, status: 'timed_out', decision: expect.objectContaining({ outcome: 'timed_out', approver: 'system:timeout' }) }),
    ]);
  });

  it('gives up after more than 24 hours of failures, and says so in the request', async () => {
    // Prepare
    const { id, receiver } = await decidedWithHook(() => 500);

    // Act
    for (let i = 0; i < 14; i++) {
      clock.advance(12 * 3600 * 1000);
      await app.sweep();
    }

    // Assess
    const stored = await app.deps.store.get(id);
    expect(stored?.delivery).toBe('gave_up');
    expect(stored?.events.filter((e) => e.type === 'delivery_gave_up')).toHaveLength(1);
    expect(receiver.received).toHaveLength(12);
    const history = await call(app.url, 'GET', '/history?workflow=gate:refund-approval&limit=100', { as: ADMIN });
    expect(history.body.items.find((r: { id: string }) => r.id === id)).toMatchObject({ delivery: 'gave_up' });
  });
});

describe('the OpenAPI document', () => {
  it('describes the gate routes with their header, statuses and schemas', async () => {
    // Act
    const doc = (await call(app.url, 'GET', '/openapi.json')).body;

    // Assess
    const create = doc.paths['/gates/{gateId}/requests'].post;
    expect(create.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true })]));
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '404', '409']));
    expect(create.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/AgentRequestBody');
    expect(JSON.stringify(doc.components.schemas.AgentRequestBody)).toContain('tool_call');
    const wait = doc.paths['/approvals/{id}/decision'].get;
    expect(wait.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'waitSeconds', in: 'query' })]));
    expect(doc.paths['/gates'].get).toBeDefined();
  });
});

describe('editing a gate', () => {
  it('applies the revision an admin saves to the next request, and audits the save', async () => {
    // Prepare: refunds up to 10 pass at once from now on
    const current = (await call(app.url, 'GET', '/gates/refund-policy', { as: AGENT })).body;
    const stricter = { ...current.gate, hitl: { ...current.gate.hitl, policies: [{ id: 'refund-tiny', tools: ['refund'], when: 'args.amount <= 10', effect: 'allow' }] } };

    // Act
    const refused = await call(app.url, 'PUT', '/gates/refund-policy', { body: stricter, as: APPROVER });
    const saved = await call(app.url, 'PUT', '/gates/refund-policy', { body: stricter, as: ADMIN });
    const twenty = await ask('refund-policy', refundBody(20));
    const five = await ask('refund-policy', refundBody(5));

    // Assess
    expect(refused.status).toBe(403);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ revision: current.revision + 1, source: 'api', savedBy: 'root' });
    expect(twenty.status).toBe(201);
    expect(twenty.body.events[0].detail).toMatchObject({ gateId: 'refund-policy', gateRevision: current.revision + 1 });
    expect(five.body).toMatchObject({ status: 'allowed', policyId: 'refund-tiny' });
    const revisions = await call(app.url, 'GET', '/gates/refund-policy/revisions', { as: ADMIN });
    expect(revisions.body.items.map((r: { revision: number }) => r.revision)).toEqual([current.revision + 1, current.revision]);
    const audit = await call(app.url, 'GET', '/audit?execution=gate:refund-policy', { as: ADMIN });
    expect(audit.body.items.map((e: { kind: string }) => e.kind)).toContain('gate_saved');
  });
});
