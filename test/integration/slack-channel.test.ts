import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { slackSignature } from '../../lambdas/channels/slack/signature.ts';
import { eventually } from '../support/http.ts';
import { pausedGate } from '../support/channels.ts';

const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** A local stand-in for Slack: records what the webhook and the response_urls receive. */
let slack: Server;
let slackUrl = '';
const received: { path: string; body: any }[] = [];
let app: LocalApp;

beforeAll(async () => {
  slack = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
  slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}`;
  app = await startLocalApp({
    sweepIntervalMs: 0,
    modules: [
      channelsModule({
        mail: new MemoryMailSender(),
        env: {},
        slack: { webhooks: { '*': `${slackUrl}/webhook` }, signingSecret: SIGNING_SECRET, responseUrlPrefixes: [`${slackUrl}/response/`] },
      }),
    ],
  });
});
afterAll(async () => {
  await app.close();
  await new Promise((resolve) => slack.close(resolve));
});
beforeEach(() => {
  received.length = 0;
});

/** Sends a button click as Slack does: form-encoded `payload=`, signed over the raw body. */
async function click(requestId: string, options: { user?: string; action?: string; secret?: string; timestamp?: number; responsePath?: string } = {}) {
  const payload = {
    type: 'block_actions',
    user: { id: options.user ?? 'U0BOB00001', username: 'bob' },
    response_url: `${slackUrl}${options.responsePath ?? '/response/1'}`,
    actions: [{ action_id: options.action ?? 'hitl_approve', value: requestId, type: 'button' }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  return fetch(`${app.url}/slack/interactions`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(options.secret ?? SIGNING_SECRET, timestamp, body),
    },
  });
}

function webhookPost(requestId: string) {
  return eventually(async () => received.find((r) => r.path === '/webhook' && JSON.stringify(r.body).includes(requestId)), 5_000, 'the webhook post');
}

describe('Slack channel', () => {
  it('posts the request with its context and Approve / Reject buttons carrying the request id', async () => {
    // Act
    const { request } = await pausedGate(app);
    // Assess
    const post = await webhookPost(request.id);
    const text = JSON.stringify(post.body);
    expect(text).toContain('send_email');
    expect(text).toContain('<@U0BOB00001>');
    const actions = post.body.blocks.find((b: any) => b.type === 'actions');
    expect(actions.elements.filter((e: any) => e.value === request.id).map((e: any) => e.action_id)).toEqual(['hitl_approve', 'hitl_reject']);
    await eventually(async () => (await app.deps.store.get(request.id))?.events.find((e) => e.actor === 'channel:slack' && e.type === 'notified'));
  });

  it('decides on a correctly signed click and replaces the message with the outcome', async () => {
    // Prepare
    const { request, executionArn } = await pausedGate(app);
    await webhookPost(request.id);
    // Act
    const answer = await click(request.id, { responsePath: '/response/decided' });
    // Assess
    expect(answer.status).toBe(200);
    expect((await app.engine.waitForExecution(executionArn, 5_000)).output).toMatchObject({ approval: { outcome: 'approved', approver: 'bob' } });
    expect((await app.deps.store.get(request.id))?.decision).toMatchObject({ channel: 'slack', approver: 'bob' });
    // The message is updated after the click is acknowledged.
    const update = await eventually(async () => received.find((r) => r.path === '/response/decided'), 5_000, 'the message update');
    expect(update?.body).toMatchObject({ replace_original: true });
    expect(JSON.stringify(update?.body)).toContain('approved* by bob via slack');
    expect(JSON.stringify(update?.body.blocks)).not.toContain('hitl_approve');
  });

  it('shows a second click the decision already made', async () => {
    const { request } = await pausedGate(app);
    await click(request.id, { action: 'hitl_reject' });
    await eventually(async () => received.find((r) => r.path === '/response/1'), 5_000, 'the first click\'s message update');
    const second = await click(request.id, { user: 'U0ERIN0001', responsePath: '/response/late' });
    expect(second.status).toBe(200);
    const update = await eventually(async () => received.find((r) => r.path === '/response/late'), 5_000, 'the message update');
    expect(JSON.stringify(update?.body)).toMatch(/rejected\* by bob.*came after this decision/);
    expect((await app.deps.store.get(request.id))?.decision?.outcome).toBe('rejected');
  });

  it('tells a Slack user who is not an approver, only them, and decides nothing', async () => {
    const { request } = await pausedGate(app);
    const answer = await click(request.id, { user: 'U0DANA0001', responsePath: '/response/outsider' });
    expect(answer.status).toBe(200);
    const reply = await eventually(async () => received.find((r) => r.path === '/response/outsider'), 5_000, 'the ephemeral reply');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect((await app.deps.store.get(request.id))?.status).toBe('pending');
  });

  it('refuses a wrongly signed click and a stale one with 401, deciding nothing', async () => {
    const { request } = await pausedGate(app);
    const forged = await click(request.id, { secret: 'not-the-signing-secret' });
    const stale = await click(request.id, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(forged.status).toBe(401);
    expect(stale.status).toBe(401);
    expect((await app.deps.store.get(request.id))?.status).toBe('pending');
    expect(received.filter((r) => r.path.startsWith('/response/'))).toEqual([]);
  });

  it('refuses a signed click whose response_url is not Slack\'s', async () => {
    const { request } = await pausedGate(app);
    const answer = await click(request.id, { responsePath: '/elsewhere' });
    expect(answer.status).toBe(400);
    expect((await app.deps.store.get(request.id))?.status).toBe('pending');
  });
});
