import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrentUpdateError, ValidationError } from '#core/errors';
import { decide, escalate } from '#core/lifecycle';
import type { ApprovalRequest } from '#core/request';
import { requestIdFor } from '#core/request-id';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';
import { gateInput, hitl } from '../support/fixtures.ts';

let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(async () => table.close());

function pendingRequest(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  const input = gateInput();
  const createdAt = overrides.createdAt ?? new Date().toISOString();
  return {
    id: requestIdFor(input.executionId, input.nodeId, input.step),
    executionId: input.executionId,
    workflowId: input.workflowId,
    nodeId: input.nodeId,
    step: input.step,
    mode: 'confirm_tools',
    channel: 'async',
    action: input.action,
    context: input.context,
    hitl: hitl(),
    requestedBy: 'requester',
    status: 'pending',
    level: 0,
    createdAt,
    dueAt: new Date(Date.parse(createdAt) + 60_000).toISOString(),
    events: [{ at: createdAt, type: 'created', actor: 'system:gate' }],
    ...overrides,
  };
}

const approve = (approver: string, at = new Date().toISOString()) => ({
  outcome: 'approved' as const, approver, scope: 'once' as const, channel: 'api', decidedAt: at,
});

describe('request store on dynalite', () => {
  it('stores a request once and hands back the existing one on a second create', async () => {
    // Prepare
    const request = pendingRequest();
    // Act
    const first = await table.store.create(request, 'token-a');
    const second = await table.store.create({ ...request, createdAt: 'later' }, 'token-b');
    // Assess
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.created === false && second.existing.createdAt).toBe(request.createdAt);
    expect(await table.store.getTaskToken(request.id)).toBe('token-a');
  });

  it('never returns the task token with the request', async () => {
    const request = pendingRequest();
    await table.store.create(request, 'secret-token-value');
    const stored = await table.store.get(request.id);
    expect(JSON.stringify(stored)).not.toContain('secret-token-value');
    expect(stored).toEqual(request);
  });

  it('refreshes the task token of a retried gate without adding a request', async () => {
    const request = pendingRequest();
    await table.store.create(request, 'token-1');
    const refreshed = await table.store.refreshTaskToken(request.id, 'token-2', new Date());
    expect(await table.store.getTaskToken(request.id)).toBe('token-2');
    expect(refreshed.events.map((e) => e.type)).toEqual(['created', 'gate_retried']);
  });

  it('lets exactly one of 50 concurrent decisions win', async () => {
    // Prepare
    const request = pendingRequest();
    await table.store.create(request, 'token');
    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => table.store.transition(request, decide(request, approve(`approver-${i}`)))),
    );
    // Assess
    const winners = results.filter((r) => r.status === 'fulfilled');
    const losers = results.filter((r) => r.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers.every((r) => r.status === 'rejected' && r.reason instanceof ConcurrentUpdateError)).toBe(true);
    const stored = await table.store.get(request.id);
    expect(stored?.status).toBe('approved');
    expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
  });

  it('keeps a history event appended between read and decision', async () => {
    const request = pendingRequest();
    await table.store.create(request, 'token');
    await table.store.appendEvent(request.id, { at: new Date().toISOString(), type: 'notified', actor: 'channel:email' });
    await table.store.transition(request, decide(request, approve('bob')));
    const stored = await table.store.get(request.id);
    expect(stored?.events.map((e) => e.type)).toEqual(['created', 'notified', 'decided']);
  });

  it('lists pending requests newest first, page by page, and drops decided ones', async () => {
    // Prepare: a workflow of its own so other tests' requests do not interfere
    const workflowId = `wf-page-${Date.now()}`;
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    const requests = Array.from({ length: 7 }, (_, i) =>
      pendingRequest({ workflowId, createdAt: new Date(base + i * 1000).toISOString() }),
    );
    for (const r of requests) await table.store.create(r, 'token');
    await table.store.transition(requests[6], decide(requests[6], approve('bob')));
    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await table.store.listPending({ limit: 2, cursor, workflowId });
      seen.push(...page.items.map((r) => r.createdAt));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    // Assess
    const expected = requests.slice(0, 6).map((r) => r.createdAt).reverse();
    expect(seen).toEqual(expected);
  });

  it('refuses a forged cursor with a validation error naming the cursor', async () => {
    const forged = Buffer.from(JSON.stringify({ pk: 'REQ#x', sk: 'META', gsi1pk: 'DECIDED', gsi1sk: 'x' })).toString('base64url');
    await expect(table.store.listPending({ limit: 5, cursor: forged })).rejects.toBeInstanceOf(ValidationError);
    await expect(table.store.listPending({ limit: 5, cursor: '{"bogus' })).rejects.toMatchObject({ issues: [{ path: 'cursor' }] });
  });

  it('lists as due only pending requests whose due time has passed', async () => {
    const past = pendingRequest({ createdAt: '2020-01-01T00:00:00.000Z', dueAt: '2020-01-01T00:01:00.000Z' });
    const future = pendingRequest({ dueAt: '2999-01-01T00:00:00.000Z' });
    const decidedPast = pendingRequest({ createdAt: '2020-01-01T00:00:00.000Z', dueAt: '2020-01-01T00:02:00.000Z' });
    for (const r of [past, future, decidedPast]) await table.store.create(r, 'token');
    await table.store.transition(decidedPast, decide(decidedPast, approve('bob')));
    const due = await table.store.listDue(new Date(), 100);
    const ids = due.map((r) => r.id);
    expect(ids).toContain(past.id);
    expect(ids).not.toContain(future.id);
    expect(ids).not.toContain(decidedPast.id);
  });

  it('moves an escalated request to its new due time', async () => {
    const request = pendingRequest({
      hitl: hitl({ onTimeout: 'escalate', escalation: [{ approvers: { users: ['boss'], groups: [] }, timeoutSeconds: 600 }] }),
      createdAt: '2020-01-01T00:00:00.000Z',
      dueAt: '2020-01-01T00:00:30.000Z',
    });
    await table.store.create(request, 'token');
    const escalated = escalate(request, new Date('2999-01-01T00:00:00.000Z'));
    await table.store.transition(request, escalated);
    const due = await table.store.listDue(new Date(), 100);
    expect(due.map((r) => r.id)).not.toContain(request.id);
    expect((await table.store.get(request.id))?.level).toBe(1);
    await expect(table.store.transition(request, escalated)).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });

  it('hands the delivery lease to one taker at a time and records delivery once', async () => {
    const request = pendingRequest();
    await table.store.create(request, 'token');
    await table.store.transition(request, decide(request, approve('bob')));
    const now = new Date();
    const until = new Date(now.getTime() + 30_000);
    const takes = await Promise.all([1, 2, 3].map(() => table.store.acquireDeliveryLease(request.id, now, until)));
    expect(takes.filter(Boolean)).toHaveLength(1);
    expect((await table.store.listUndelivered(1000)).map((r) => r.id)).toContain(request.id);
    await table.store.markDelivery(request.id, 'delivered', now);
    await table.store.markDelivery(request.id, 'delivered', now);
    const stored = await table.store.get(request.id);
    expect(stored?.delivery).toBe('delivered');
    expect(stored?.events.filter((e) => e.type === 'delivered')).toHaveLength(1);
    expect((await table.store.listUndelivered(1000)).map((r) => r.id)).not.toContain(request.id);
  });

  it('lists decided requests in the history by time range and approver', async () => {
    const workflowId = `wf-history-${Date.now()}`;
    const a = pendingRequest({ workflowId });
    const b = pendingRequest({ workflowId });
    await table.store.create(a, 't');
    await table.store.create(b, 't');
    await table.store.transition(a, decide(a, approve('alice', '2026-03-01T00:00:00.000Z')));
    await table.store.transition(b, decide(b, approve('bob', '2026-05-01T00:00:00.000Z')));
    const march = await table.store.listDecided({ limit: 10, workflowId, from: '2026-02-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
    expect(march.items.map((r) => r.id)).toEqual([a.id]);
    const byBob = await table.store.listDecided({ limit: 10, workflowId, approver: 'bob' });
    expect(byBob.items.map((r) => r.id)).toEqual([b.id]);
  });
});
