import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { RequestRepository } from '#adapters/dynamodb/request-repository';
import { shardOf } from '#adapters/dynamodb/shards';
import { ValidationError } from '#core/errors';
import { decide } from '#core/lifecycle';
import type { ApprovalRequest } from '#core/request';
import { requestIdFor } from '#core/request-id';
import type { Page } from '#ports';
import { ensureTable, startLocalDynamo, type LocalDynamo } from '#local/dynamodb';
import { gateInput, hitl } from '../support/fixtures.ts';

let dynamo: LocalDynamo;
let db: DynamoDBDocumentClient;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  db = createDocumentClient(dynamo.clientConfig);
});
afterAll(async () => {
  db.destroy();
  await dynamo.close();
});

const BASE = Date.parse('2026-03-01T00:00:00.000Z');

function pendingRequest(workflowId: string, createdAt: string): ApprovalRequest {
  const input = gateInput({ workflowId });
  return {
    id: requestIdFor(input.executionId, input.nodeId, input.step),
    executionId: input.executionId, workflowId, nodeId: input.nodeId, step: input.step,
    mode: 'confirm_tools', channel: 'async', action: input.action, context: input.context, hitl: hitl(),
    requestedBy: 'requester', status: 'pending', level: 0, createdAt,
    dueAt: new Date(Date.parse(createdAt) + 60_000).toISOString(),
    events: [{ at: createdAt, type: 'created', actor: 'system:gate' }],
  };
}

/** Every page of a listing, following nextCursor, each page `sizes[i % sizes.length]` long. */
async function allPages<T>(list: (page: { limit: number; cursor?: string }) => Promise<Page<T>>, sizes: readonly number[]): Promise<{ items: T[]; pages: Page<T>[] }> {
  const pages: Page<T>[] = [];
  let cursor: string | undefined;
  do {
    const limit = sizes[pages.length % sizes.length]!;
    const page = await list({ limit, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 500);
  expect(cursor, 'the listing ends').toBeUndefined();
  return { items: pages.flatMap((p) => p.items), pages };
}

const newestFirst = (key: (r: ApprovalRequest) => string) => (a: ApprovalRequest, b: ApprovalRequest) => (key(a) < key(b) ? 1 : -1);

describe('lists merged across index shards, on dynalite', () => {
  it('page pending and decided requests newest first, with no repeats and no gaps, for any page sizes, shard counts and changes of the count', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          // The shard count each successive group of requests is written with (raising and lowering it).
          writeCounts: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 }),
          // Creation times in seconds: many ties, which the ids order.
          seconds: fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: 45, size: 'max' }),
          decided: fc.array(fc.boolean(), { maxLength: 45, size: 'max' }),
          pageSizes: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 6 }),
          filtered: fc.boolean(),
        }),
        async ({ writeCounts, seconds, decided, pageSizes, filtered }) => {
          // Prepare: a table of its own; requests written in groups, each with its own shard count
          const tableName = `shards-${randomUUID().slice(0, 8)}`;
          await ensureTable(dynamo.clientConfig, tableName);
          const readCount = Math.max(...writeCounts);
          const requests = seconds.map((s, i) => pendingRequest(i % 3 === 0 ? 'wf-other' : 'wf-main', new Date(BASE + s * 1000).toISOString()));
          const decidedOnes: ApprovalRequest[] = [];
          for (const [i, request] of requests.entries()) {
            const writer = new RequestRepository(db, tableName, { shards: { count: writeCounts[i % writeCounts.length]!, readCount } });
            await writer.create(request, 'token');
            if (decided[i]) {
              const next = decide(request, { outcome: 'approved', approver: 'bob', scope: 'once', channel: 'api', decidedAt: new Date(BASE + 60_000 + (seconds[i]! % 7) * 1000).toISOString() });
              await writer.transition(request, next);
              decidedOnes.push(next);
            }
          }
          const reader = new RequestRepository(db, tableName, { shards: { count: writeCounts.at(-1)!, readCount } });
          const workflowId = filtered ? { workflowId: 'wf-main' } : {};
          const wanted = (r: ApprovalRequest) => !filtered || r.workflowId === 'wf-main';

          // Act
          const pending = await allPages((page) => reader.listPending({ ...page, ...workflowId }), pageSizes);
          const history = await allPages((page) => reader.listDecided({ ...page, ...workflowId }), pageSizes);

          // Assess: exactly the expected requests, each once, newest first across every shard
          const expectedPending = requests.filter((r) => !decidedOnes.some((d) => d.id === r.id) && wanted(r)).sort(newestFirst((r) => `${r.createdAt}#${r.id}`));
          const expectedHistory = decidedOnes.filter(wanted).sort(newestFirst((r) => `${r.decision!.decidedAt}#${r.id}`));
          expect(pending.items.map((r) => r.id)).toEqual(expectedPending.map((r) => r.id));
          expect(history.items.map((r) => r.id)).toEqual(expectedHistory.map((r) => r.id));
          // Without a filter every page but the last is full.
          if (!filtered) for (const page of pending.pages.slice(0, -1)) expect(page.items.length).toBe(pageSizes[pending.pages.indexOf(page) % pageSizes.length]);
        },
      ),
      { numRuns: 25 },
    );
  }, 240_000);

  it('pages requests that all sit in one shard, and an even spread, with no repeats and no gaps for small and large pages', async () => {
    // Prepare: 60 requests in shard 1 of 4 (the others empty), and a table of 90 spread by their ids
    const skewed = `shards-${randomUUID().slice(0, 8)}`;
    const even = `shards-${randomUUID().slice(0, 8)}`;
    await ensureTable(dynamo.clientConfig, skewed);
    await ensureTable(dynamo.clientConfig, even);
    const oneShard: ApprovalRequest[] = [];
    while (oneShard.length < 60) {
      const request = pendingRequest('wf', new Date(BASE + oneShard.length * 1000).toISOString());
      if (shardOf(request.id, 4) === 1) oneShard.push(request);
    }
    const spread = Array.from({ length: 90 }, (_, i) => pendingRequest('wf', new Date(BASE + Math.floor(i / 2) * 1000).toISOString()));
    const skewedStore = new RequestRepository(db, skewed, { shards: { count: 4 } });
    const evenStore = new RequestRepository(db, even, { shards: { count: 4 } });
    await Promise.all([...oneShard.map((r) => skewedStore.create(r, 'token')), ...spread.map((r) => evenStore.create(r, 'token'))]);
    const newest = (requests: ApprovalRequest[]) => [...requests].sort(newestFirst((r) => `${r.createdAt}#${r.id}`)).map((r) => r.id);
    for (const sizes of [[1], [7, 50], [50], [100]]) {
      // Act
      const inOne = await allPages((page) => skewedStore.listPending(page), sizes);
      const inAll = await allPages((page) => evenStore.listPending(page), sizes);
      // Assess
      expect(inOne.items.map((r) => r.id), `pages of ${sizes}`).toEqual(newest(oneShard));
      expect(inAll.items.map((r) => r.id), `pages of ${sizes}`).toEqual(newest(spread));
    }
  }, 120_000);

  it('refuses a tampered cursor, or one of another list, with a 400 naming the cursor', async () => {
    // Prepare
    const tableName = `shards-${randomUUID().slice(0, 8)}`;
    await ensureTable(dynamo.clientConfig, tableName);
    const store = new RequestRepository(db, tableName, { shards: { count: 3 } });
    for (let i = 0; i < 4; i++) await store.create(pendingRequest('wf', new Date(BASE + i * 1000).toISOString()), 'token');
    const first = await store.listPending({ limit: 2 });
    const cursor = first.nextCursor!;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    // Act / Assess
    expect(decoded).toMatchObject({ list: 'pending' });
    for (const bad of [
      `${cursor.slice(0, -2)}!!`,
      forge({ ...decoded, after: 'REQ#x' }),
      forge({ ...decoded, list: 'history' }),
      forge({ ...decoded, shard: 2 }),
      forge({ pk: 'REQ#x', sk: 'META', gsi1pk: 'PENDING', gsi1sk: decoded.after }),
    ]) {
      await expect(store.listPending({ limit: 2, cursor: bad })).rejects.toBeInstanceOf(ValidationError);
      await expect(store.listPending({ limit: 2, cursor: bad })).rejects.toMatchObject({ issues: [{ path: 'cursor' }] });
    }
    await expect(store.listDecided({ limit: 2, cursor })).rejects.toMatchObject({ issues: [{ path: 'cursor' }] });
    expect((await store.listPending({ limit: 2, cursor })).items).toHaveLength(2);
  });
});
