import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '#core/lifecycle';
import type { ApprovalRequest } from '#core/request';
import { requestIdFor } from '#core/request-id';
import { ShardLayout, type ShardedPartition } from '#adapters/dynamodb/shards';
import { INDEXES } from '#adapters/dynamodb/table';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';
import { gateInput, hitl } from '../support/fixtures.ts';

let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(async () => table.close());

const CHECKPOINT = { schemaVersion: 1, stateName: 'agent.Gate', state: { conversation: 'x'.repeat(50_000) } };

function requestDue(createdAt: string): ApprovalRequest {
  const input = gateInput();
  return {
    id: requestIdFor(input.executionId, input.nodeId, input.step),
    executionId: input.executionId, workflowId: input.workflowId, nodeId: input.nodeId, step: input.step,
    mode: 'confirm_tools', channel: 'async', action: input.action, context: input.context, hitl: hitl(),
    requestedBy: 'requester', status: 'pending', level: 0, createdAt, dueAt: createdAt,
    checkpoint: CHECKPOINT,
    events: [{ at: createdAt, type: 'created', actor: 'system:gate' }],
  };
}

/** The items of every shard of `partition` in `index`. */
async function indexItems(index: keyof typeof INDEXES, partition: ShardedPartition): Promise<Record<string, unknown>[]> {
  const { name, pk } = INDEXES[index];
  const shards = await Promise.all(
    new ShardLayout().partitions(partition).map((value) =>
      table.db.send(new QueryCommand({ TableName: table.tableName, IndexName: name, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': pk }, ExpressionAttributeValues: { ':pk': value } })),
    ),
  );
  return shards.flatMap((result) => result.Items ?? []);
}

describe('index projections on dynalite', () => {
  it('copies neither the task token nor the checkpoint into any index, and keys only into due and undelivered', async () => {
    // Prepare
    const pending = requestDue(new Date(Date.now() - 120_000).toISOString());
    const decided = requestDue(new Date(Date.now() - 60_000).toISOString());
    await table.store.create(pending, 'secret-token-pending');
    await table.store.create(decided, 'secret-token-decided');
    await table.store.transition(decided, decide(decided, { outcome: 'approved', approver: 'bob', scope: 'once', channel: 'api', decidedAt: new Date().toISOString() }));
    // Act
    const items = {
      pending: await indexItems('pending', 'PENDING'),
      due: await indexItems('due', 'DUE'),
      undelivered: await indexItems('undelivered', 'UNDELIVERED'),
      timeline: await indexItems('timeline', 'DECIDED'),
    };
    // Assess
    for (const [index, list] of Object.entries(items)) {
      expect(list.length, index).toBeGreaterThan(0);
      for (const item of list) {
        expect(item, index).not.toHaveProperty('taskToken');
        expect(item, index).not.toHaveProperty('checkpoint');
      }
    }
    for (const item of [...items.due, ...items.undelivered]) expect(Object.keys(item).sort()).toEqual(expect.arrayContaining(['pk', 'sk']));
    expect(Object.keys(items.due[0]!).every((key) => /^(pk|sk|gsi2pk|gsi2sk)$/.test(key))).toBe(true);
    expect(items.pending[0]).toMatchObject({ id: pending.id, workflowId: pending.workflowId, status: 'pending', context: pending.context });
    expect(items.timeline[0]).toMatchObject({ id: decided.id, decision: expect.objectContaining({ approver: 'bob' }) });
  });

  it('hands the sweeper whole requests, checkpoint included, read from the table', async () => {
    const due = await table.store.listDue(new Date(), 10);
    const undelivered = await table.store.listUndelivered(10);
    expect(due.length).toBeGreaterThan(0);
    expect(undelivered.length).toBeGreaterThan(0);
    for (const request of [...due, ...undelivered]) {
      expect(request.checkpoint).toEqual(CHECKPOINT);
      expect(request).not.toHaveProperty('taskToken');
    }
  });

  it('lists pending and decided requests without their checkpoints', async () => {
    const pending = await table.store.listPending({ limit: 10 });
    const decided = await table.store.listDecided({ limit: 10 });
    expect(pending.items.length).toBeGreaterThan(0);
    expect(decided.items.length).toBeGreaterThan(0);
    for (const request of [...pending.items, ...decided.items]) expect((request as Record<string, unknown>).checkpoint).toBeUndefined();
  });
});
