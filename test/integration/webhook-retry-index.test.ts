import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HitlConfigSchema } from '#core/hitl-config';
import { decide } from '#core/lifecycle';
import type { ApprovalRequest } from '#core/request';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(async () => table.close());

const decidedAt = '2026-12-05T01:00:00.000Z';

async function decidedWebhookRequest(id: string, at = decidedAt): Promise<ApprovalRequest> {
  const request: ApprovalRequest = {
    id,
    executionId: `gate:refund-approval/${id}`,
    workflowId: 'gate:refund-approval',
    nodeId: 'refund-approval',
    step: id,
    mode: 'blocking',
    channel: 'async',
    action: { kind: 'message', text: 'hello' },
    context: { conversation: [], facts: {} },
    hitl: HitlConfigSchema.parse({ mode: 'blocking', approvers: { groups: ['approvers'] } }),
    callback: { type: 'webhook', url: 'http://127.0.0.1:9/hook' },
    status: 'pending',
    level: 0,
    createdAt: '2026-12-05T00:59:00.000Z',
    dueAt: '2026-12-05T01:29:00.000Z',
    events: [],
  };
  await table.store.create(request);
  const decided = decide(request, { outcome: 'approved', approver: 'bob', scope: 'once', channel: 'api', decidedAt: at });
  await table.store.transition(request, decided, new Date(at));
  return decided;
}

describe('the undelivered index with webhook retries', () => {
  it('hands the sweeper the deliveries that are due, past any number waiting for a later retry', async () => {
    // Prepare: an older decision whose webhook waits an hour for its next attempt, and a newer one due now
    const waiting = await decidedWebhookRequest('apr_waitingwaitingwaitingwai', '2026-12-05T00:59:30.000Z');
    const due = await decidedWebhookRequest('apr_dueduedueduedueduedueduex');
    const later = new Date('2026-12-05T02:00:00.000Z');
    const scheduled = await table.store.scheduleRetry(waiting.id, 1, later, { at: decidedAt, type: 'delivery_failed', actor: 'system:delivery' });

    // Act
    const first = await table.store.listUndelivered(1, new Date('2026-12-05T01:00:01.000Z'));
    const page = await table.store.listUndelivered(10, new Date('2026-12-05T01:00:01.000Z'));
    const afterAnHour = await table.store.listUndelivered(10, later);

    // Assess
    expect(scheduled).toBe(true);
    expect(first.map((r) => r.id)).toEqual([due.id]);
    expect(page.map((r) => r.id)).toEqual([due.id]);
    expect(afterAnHour.map((r) => r.id).sort()).toEqual([due.id, waiting.id].sort());
    expect((await table.store.get(waiting.id))?.deliveryAttempts).toBe(1);
    expect(await table.store.acquireDeliveryLease(waiting.id, new Date('2026-12-05T01:30:00.000Z'), later)).toBe(false);
  });

  it('records no retry for a decision that was delivered meanwhile', async () => {
    // Prepare
    const request = await decidedWebhookRequest('apr_deliveredmeanwhilexxxxxx');
    await table.store.markDelivery(request.id, 'delivered', new Date(decidedAt));

    // Act
    const scheduled = await table.store.scheduleRetry(request.id, 1, new Date('2026-12-05T02:00:00.000Z'), { at: decidedAt, type: 'delivery_failed', actor: 'system:delivery' });

    // Assess
    expect(scheduled).toBe(false);
    expect((await table.store.get(request.id))?.events.map((e) => e.type)).not.toContain('delivery_failed');
  });
});
