import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DELIVERY_LEASE_MS } from '#usecases/deliver-decision';
import { call, eventually } from '../support/http.ts';
import { startLocalServerProcess, type LocalServerProcess } from '../support/local-server-process.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const AGENT = { 'x-user': 'refund-bot', 'x-groups': 'agents' };
const servers: LocalServerProcess[] = [];
const receivers: WebhookReceiver[] = [];
const dir = mkdtempSync(join(tmpdir(), 'hitl-webhook-kill-'));
afterAll(async () => {
  for (const server of servers) await server.kill();
  for (const receiver of receivers) await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the server is killed between a decision and its webhook delivery', () => {
  it('delivers the decision after a restart, with exactly one 2xx-acknowledged delivery', async () => {
    // Prepare: an agent's request with a webhook; the receiver holds the first delivery open, and
    // while it does, the server gets kill -9 (the decision is stored, its delivery not recorded)
    const env = { HITL_SWEEP_INTERVAL_MS: '500' };
    const first = await startLocalServerProcess(dir, env);
    servers.push(first);
    let killed: Promise<void> | undefined;
    const receiver = await startWebhookReceiver((_, index) => {
      if (index > 0) return 200;
      killed = first.kill();
      return 'hang';
    });
    receivers.push(receiver);
    const created = await call(first.url, 'POST', '/gates/refund-approval/requests', {
      as: AGENT,
      headers: { 'Idempotency-Key': 'kill-between-decision-and-delivery' },
      body: { action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'refund', args: { orderId: 'A-1', amount: 20 } } }, callback: { type: 'webhook', url: receiver.url } },
    });
    expect(created.status).toBe(201);

    // Act: decide; the process dies mid-delivery, so the approver's call fails with it
    const decided = await call(first.url, 'POST', `/approvals/${created.body.id}/respond`, { body: { decision: 'approve', reason: 'fine' } }).catch((error: Error) => error);
    await eventually(async () => (killed ? true : undefined), 20_000, 'the kill');
    await killed;
    // The responder's delivery lease has to run out before the sweeper may deliver again: the restarted
    // server comes up with its clock past it rather than the test waiting it out.
    const second = await startLocalServerProcess(dir, { ...env, HITL_CLOCK_AHEAD_MS: String(DELIVERY_LEASE_MS + 1_000) });
    servers.push(second);
    const delivered = await eventually(async () => {
      const request = await call(second.url, 'GET', `/approvals/${created.body.id}`);
      return request.body.delivery === 'delivered' ? request.body : undefined;
    }, 90_000, 'the delivery after the restart');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // a duplicate would arrive here

    // Assess
    expect(decided).toBeInstanceOf(Error);
    expect(delivered).toMatchObject({ status: 'approved', decision: { approver: 'bob', reason: 'fine' } });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.acknowledged()).toHaveLength(1);
    expect(JSON.parse(receiver.acknowledged()[0].body)).toMatchObject({ id: created.body.id, status: 'approved' });
    expect(delivered.events.filter((e: { type: string }) => e.type === 'decided')).toHaveLength(1);
    expect(delivered.events.filter((e: { type: string }) => e.type === 'delivered')).toHaveLength(1);
  }, 150_000);
});
