import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { slackSignature } from '../../lambdas/channels/slack/signature.ts';
import { pausedGate } from '../support/channels.ts';
import { eventually } from '../support/http.ts';

const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** A Slack stand-in whose response_urls under /broken/ answer 500, and which records every post. */
let slack: Server;
let slackUrl = '';
const received: { path: string; body: any }[] = [];
let app: LocalApp;

/** A promise and the function that resolves it. */
function signal() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Deliveries to these requests wait until the test lets them go. */
const held = new Map<string, { entered: ReturnType<typeof signal>; release: ReturnType<typeof signal> }>();
function hold(requestId: string) {
  const gate = { entered: signal(), release: signal() };
  held.set(requestId, gate);
  return gate;
}

beforeAll(async () => {
  slack = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) });
      if (req.url?.startsWith('/broken/')) res.writeHead(500, { 'content-type': 'text/plain' }).end('internal_error');
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
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
        retry: { sleep: async () => undefined },
        slack: { webhooks: {}, signingSecret: SIGNING_SECRET, responseUrlPrefixes: [`${slackUrl}/`] },
      }),
    ],
  });
  const send = app.engine.sendTaskSuccess.bind(app.engine);
  app.engine.sendTaskSuccess = async (token, output) => {
    const gate = held.get((output as { requestId: string }).requestId);
    if (gate) {
      gate.entered.resolve();
      await gate.release.promise;
    }
    return send(token, output);
  };
});
afterAll(async () => {
  for (const gate of held.values()) gate.release.resolve();
  await app.close();
  await new Promise((resolve) => slack.close(resolve));
});

/** A signed approve click from bob, as Slack sends it. */
function click(requestId: string, responsePath: string) {
  const payload = {
    type: 'block_actions',
    user: { id: 'U0BOB00001', username: 'bob' },
    response_url: `${slackUrl}${responsePath}`,
    actions: [{ action_id: 'hitl_approve', value: requestId, type: 'button' }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  return fetch(`${app.url}/slack/interactions`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body),
    },
  });
}

describe('Slack interaction acknowledgement', () => {
  it('answers 200 and keeps the decision when the response_url update fails', async () => {
    // Prepare
    const { request, executionArn } = await pausedGate(app);
    // Act
    const answer = await click(request.id, '/broken/1');
    // Assess
    expect(answer.status).toBe(200);
    expect((await app.engine.waitForExecution(executionArn, 10_000)).output).toMatchObject({ approval: { outcome: 'approved', approver: 'bob' } });
    expect((await app.deps.store.get(request.id))?.decision).toMatchObject({ outcome: 'approved', approver: 'bob', channel: 'slack' });
    await eventually(async () => received.find((r) => r.path === '/broken/1'), 5_000, 'the response_url update to be tried');
  });

  it('acknowledges once the decision is stored, before the workflow has it, then delivers and updates the message', async () => {
    // Prepare: the workflow's SendTaskSuccess blocks until released
    const { request, executionArn } = await pausedGate(app);
    const gate = hold(request.id);
    // Act
    const answer = click(request.id, '/ok/2');
    await gate.entered.promise;
    const acked = await Promise.race([
      answer,
      eventually(async () => undefined, 10_000, 'the ack while delivery is held').catch(() => 'no ack while delivery was held' as const),
    ]);
    const storedBeforeRelease = await app.deps.store.get(request.id);
    gate.release.resolve();
    // Assess
    expect(acked).not.toBe('no ack while delivery was held');
    expect((acked as Response).status).toBe(200);
    expect(storedBeforeRelease).toMatchObject({ status: 'approved', decision: { approver: 'bob', channel: 'slack' } });
    expect(storedBeforeRelease?.delivery).not.toBe('delivered');
    expect((await app.engine.waitForExecution(executionArn, 10_000)).output).toMatchObject({ approval: { outcome: 'approved', approver: 'bob' } });
    const update = await eventually(async () => received.find((r) => r.path === '/ok/2'), 5_000, 'the message update');
    expect(JSON.stringify(update.body)).toContain('approved* by bob via slack');
    expect((await eventually(async () => {
      const stored = await app.deps.store.get(request.id);
      return stored?.delivery === 'delivered' ? stored : undefined;
    }, 5_000, 'the decision to be marked delivered')).events.filter((e) => e.type === 'delivery_failed')).toEqual([]);
  });
});
