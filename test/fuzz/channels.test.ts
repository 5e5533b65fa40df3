import fc from 'fast-check';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import type { ApprovalRequest } from '#core/request';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { slackSignature } from '../../lambdas/channels/slack/signature.ts';
import { SLACK_ACTIONS } from '../../lambdas/channels/slack/slack-message.ts';
import { decisionLinksIn } from '../support/channels.ts';
import { eventually } from '../support/http.ts';
import { recordDeliveries, type DeliveryLog } from '../support/fault-injection.ts';
import { apiHandlerOver, nastyString, proxyEvent, type EventSpec } from '../support/fuzz.ts';
import { inPool, startPausedExecutions, type PausedExecution } from '../support/paused-executions.ts';

/**
 * Forged and replayed credentials on the two routes that take no sign-in: email decision links
 * (`/links/{token}`, the signed token is the credential) and Slack interactions (`/slack/interactions`,
 * Slack's request signature is). Nothing forged may decide; nothing replayed may decide twice.
 */
const SLACK_SECRET = 'fuzz-slack-signing-secret';
const SLACK_HOOK = 'https://hooks.slack.com/actions/T0/B0/fuzz';
const BOB_SLACK_ID = 'U0BOB00001';
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const opts = (numRuns: number) => ({ numRuns, ...(seed !== undefined ? { seed } : {}) });

const mail = new MemoryMailSender();
const slackReplies: { url: string; message: unknown }[] = [];
let app: LocalApp;
let handle: (event: ReturnType<typeof proxyEvent>) => Promise<APIGatewayProxyResult>;
let deliveries: DeliveryLog;
let target: PausedExecution;
let snapshot: ApprovalRequest | undefined;
let generated = 0;

beforeAll(async () => {
  app = await startLocalApp({
    sweepIntervalMs: 0,
    modules: [
      channelsModule({
        mail,
        env: {},
        retry: { sleep: async () => undefined },
        slack: { signingSecret: SLACK_SECRET, post: async (url, message) => void slackReplies.push({ url, message }), responseUrlPrefixes: ['https://hooks.slack.com/'] },
      }),
    ],
  });
  handle = apiHandlerOver(app.routes);
  deliveries = recordDeliveries(app.engine);
  [target] = await startPausedExecutions(app, 1);
  snapshot = await app.deps.store.get(target.requestId);
});
afterAll(async () => {
  deliveries?.restore();
  await app?.close();
  console.info(`channel fuzz: ${generated} generated events`);
});

async function send(spec: EventSpec): Promise<APIGatewayProxyResult> {
  generated++;
  const result = await handle(proxyEvent(spec));
  if (result.statusCode >= 500) throw new Error(`${spec.method} ${spec.path.slice(0, 100)} answered ${result.statusCode}: ${String(result.body).slice(0, 300)}`);
  return result;
}

/** The approve and reject link tokens a given approver was mailed for a request. */
async function linksOf(requestId: string, to = 'bob@example.com') {
  const message = await eventually(async () => mail.sent.find((m) => m.to === to && m.raw.includes(requestId)), 5_000, `mail to ${to}`);
  const { approve, reject } = decisionLinksIn(message.raw);
  return { approve: approve.slice(approve.indexOf('/links/') + 7), reject: reject.slice(reject.indexOf('/links/') + 7) };
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const useLink = (token: string, reason = '') =>
  send({ method: 'POST', path: `/links/${token}`, headers: form, body: new URLSearchParams({ confirm: 'yes', ...(reason ? { reason } : {}) }).toString() });

/** Changes one character of `text` at `at` to `to` (if that changes anything). */
const mutate = (text: string, at: number, to: string) => text.slice(0, at % text.length) + to + text.slice((at % text.length) + 1);

describe('forged email decision links', () => {
  it('refuses tampered, truncated, re-signed and invented tokens with a 4xx page, and decides nothing', async () => {
    const real = await linksOf(target.requestId);
    const [decision, payload, signature] = real.approve.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const forged = fc.oneof(
      fc.tuple(fc.nat(), fc.constantFrom('A', 'b', '-', '_', '0')).map(([at, c]) => `${decision}.${payload}.${mutate(signature, at, c)}`).filter((t) => t !== real.approve),
      fc.tuple(fc.nat(), fc.constantFrom('A', 'b', '-', '_', '0')).map(([at, c]) => `${decision}.${mutate(payload, at, c)}.${signature}`).filter((t) => t !== real.approve),
      fc.constantFrom(`reject.${payload}.${signature}`, `approve.${payload}`, `${decision}.${payload}.`, `.${payload}.${signature}`, `${real.approve}.x`, real.approve.slice(0, -1), `${real.approve}=`),
      fc.record({ r: fc.constant(claims.r), a: fc.constantFrom('bob', 'erin', 'mallory', 'alice'), n: fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/), e: fc.integer({ min: 1, max: 2 ** 40 }) })
        .map((c) => `approve.${b64(c)}.${signature}`),
      fc.record({ r: fc.constant(claims.r), a: fc.constant('bob'), n: fc.constant(claims.n), e: fc.constant(claims.e) }).chain((c) => fc.base64String({ minLength: 43, maxLength: 44 }).map((sig) => `approve.${b64(c)}.${sig.replace(/[+/=]/g, 'A')}`)),
      nastyString.filter((s) => s.length > 0 && !s.includes('/')),
      fc.string({ minLength: 1025, maxLength: 3000 }),
    );
    await fc.assert(
      fc.asyncProperty(forged, fc.boolean(), async (token, post) => {
        const result = post ? await useLink(token, 'forged') : await send({ method: 'GET', path: `/links/${token}` });
        expect(result.statusCode).toBeGreaterThanOrEqual(400);
        expect(result.statusCode).toBeLessThan(500);
      }),
      opts(600),
    );
    expect(await app.deps.store.get(target.requestId)).toEqual(snapshot);
    expect(deliveries.acceptedFor(target.taskToken)).toBe(0);
  });

  it('decides once when a link is used, and answers every replay of it, or of the other links, with 410', async () => {
    // Prepare
    const [paused] = await startPausedExecutions(app, 1);
    const bob = await linksOf(paused.requestId);
    const erin = await linksOf(paused.requestId, 'erin@example.com');
    // Act: twenty uses of bob's approve link at once, then replays of every link of the request
    const first = await inPool(20, 20, () => useLink(bob.approve, 'ship it'));
    const replays = await fc.sample(fc.record({ token: fc.constantFrom(bob.approve, bob.reject, erin.approve, erin.reject), post: fc.boolean(), reason: nastyString }), 60)
      .reduce<Promise<APIGatewayProxyResult[]>>(async (acc, r) => [...(await acc), r.post ? await useLink(r.token, r.reason) : await send({ method: 'GET', path: `/links/${r.token}` })], Promise.resolve([]));
    // Assess: one decision, one delivery; every other use is told the link or the request is done
    expect(first.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(first.filter((r) => r.statusCode === 410)).toHaveLength(19);
    expect(replays.every((r) => r.statusCode === 410)).toBe(true);
    const stored = await app.deps.store.get(paused.requestId);
    expect(stored).toMatchObject({ status: 'approved', delivery: 'delivered', decision: { approver: 'bob', channel: 'email', reason: 'ship it' } });
    expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
    expect(deliveries.acceptedFor(paused.taskToken)).toBe(1);
  });
});

const nowSeconds = () => String(Math.floor(Date.now() / 1000));
function slackBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
function blockAction(requestId: string, actionId: string = SLACK_ACTIONS.approve, user = BOB_SLACK_ID, responseUrl = SLACK_HOOK) {
  return { type: 'block_actions', user: { id: user }, response_url: responseUrl, actions: [{ action_id: actionId, value: requestId }] };
}
function slackEvent(body: string, headers: Record<string, string>): EventSpec {
  return { method: 'POST', path: '/slack/interactions', headers: { ...form, ...headers }, body };
}
const signed = (body: string, timestamp = nowSeconds(), secret = SLACK_SECRET) => slackEvent(body, { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(secret, timestamp, body) });

describe('forged and replayed Slack interactions', () => {
  it('refuses requests with a bad, missing, stale or foreign signature with a 4xx, and decides nothing', async () => {
    const valid = slackBody(blockAction(target.requestId));
    const forged = fc.oneof(
      fc.record({ sig: fc.oneof(nastyString, fc.stringMatching(/^v0=[0-9a-f]{64}$/)), ts: fc.constant(nowSeconds()) }).map(({ sig, ts }) => slackEvent(valid, { 'x-slack-request-timestamp': ts, 'x-slack-signature': sig })),
      fc.integer({ min: 301, max: 10 ** 9 }).map((age) => signed(valid, String(Math.floor(Date.now() / 1000) - age))),
      fc.integer({ min: 301, max: 10 ** 6 }).map((ahead) => signed(valid, String(Math.floor(Date.now() / 1000) + ahead))),
      fc.string({ minLength: 1 }).filter((s) => s !== SLACK_SECRET).map((secret) => signed(valid, nowSeconds(), secret)),
      fc.constantFrom('', 'abc', '-1', '1e9', '9'.repeat(20), ' 1').map((ts) => slackEvent(valid, { 'x-slack-request-timestamp': ts, 'x-slack-signature': slackSignature(SLACK_SECRET, ts, valid) })),
      fc.constant(slackEvent(valid, {})),
      // Signed over other bytes than the ones sent
      fc.nat().map((at) => {
        const event = signed(valid);
        return { ...event, body: mutate(valid, at, valid[at % valid.length] === 'a' ? 'b' : 'a') };
      }),
    );
    await fc.assert(
      fc.asyncProperty(forged, async (event) => {
        const result = await send(event);
        expect(result.statusCode).toBeGreaterThanOrEqual(400);
        expect(result.statusCode).toBeLessThan(500);
      }),
      opts(600),
    );
    expect(await app.deps.store.get(target.requestId)).toEqual(snapshot);
  });

  it('never fails on correctly signed garbage, and never lets it decide', async () => {
    const payload = fc.oneof(
      fc.jsonValue(),
      fc.record({
        type: fc.constantFrom('block_actions', 'view_submission', 'shortcut', ''),
        user: fc.oneof(fc.record({ id: fc.oneof(nastyString, fc.constantFrom('U0DANA0001', 'U0UNKNOWN1', '')) }), fc.jsonValue()),
        response_url: fc.oneof(fc.constantFrom(SLACK_HOOK, 'http://127.0.0.1:9/x', 'https://evil.example/hooks.slack.com/', 'javascript:alert(1)', 'ftp://hooks.slack.com/'), nastyString),
        actions: fc.oneof(
          fc.array(fc.record({ action_id: fc.oneof(fc.constantFrom(SLACK_ACTIONS.approve, SLACK_ACTIONS.reject, 'open_dashboard'), nastyString), value: fc.oneof(fc.constant(target.requestId), nastyString) }), { maxLength: 3 }),
          fc.jsonValue(),
        ),
      }, { requiredKeys: [] }),
    ).filter((p) => {
      // The one combination that is a real decision: bob clicking on the pending request through Slack.
      const candidate = (p ?? {}) as { type?: unknown; user?: { id?: unknown }; response_url?: unknown; actions?: unknown };
      const real = candidate.type === 'block_actions' && candidate.user?.id === BOB_SLACK_ID && String(candidate.response_url).startsWith('https://hooks.slack.com/');
      return !real;
    });
    const body = fc.oneof(payload.map(slackBody), nastyString, fc.jsonValue().map((v) => JSON.stringify(v)), fc.constantFrom('payload=', 'payload=%zz', 'payload=%7B', 'a=b&payload=1&payload=2'));
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        await send(signed(b));
      }),
      opts(600),
    );
    expect(await app.deps.store.get(target.requestId)).toEqual(snapshot);
  });

  it('decides once on a replayed, correctly signed click', async () => {
    const [paused] = await startPausedExecutions(app, 1);
    const click = signed(slackBody(blockAction(paused.requestId)));
    const repliesBefore = slackReplies.length;
    const results = await inPool(10, 10, () => send(click));
    // Every replay of bob's own decision is answered with it (a repeat, not a second decision) ...
    expect(results.map((r) => [r.statusCode, JSON.parse(String(r.body)).result])).toEqual(Array.from({ length: 10 }, () => [200, 'decided']));
    // The message updates follow the acknowledgements, so wait for all ten (and see that no eleventh comes)
    await eventually(async () => (slackReplies.length - repliesBefore >= 10 ? true : undefined), 20_000, 'ten Slack message updates');
    await eventually(async () => (deliveries.acceptedFor(paused.taskToken) >= 1 ? true : undefined), 20_000, 'the delivery');
    const replies = slackReplies.slice(repliesBefore);
    expect(replies).toHaveLength(10);
    expect(replies.every((r) => r.url === SLACK_HOOK && JSON.stringify(r.message).includes(`${paused.request.workflowId}/agent: approved`))).toBe(true);
    // ... and the request was decided, and its workflow resumed, exactly once
    const stored = await app.deps.store.get(paused.requestId);
    expect(stored).toMatchObject({ status: 'approved', decision: { approver: 'bob', channel: 'slack' } });
    expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
    expect(deliveries.acceptedFor(paused.taskToken)).toBe(1);
  });
});
