import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordOnlyNotifier } from '#adapters/notify/record-only-notifier';
import { RequestRepository } from '#adapters/dynamodb/request-repository';
import { INDEXES } from '#adapters/dynamodb/table';
import type { ApprovalRequest } from '#core/request';
import { requestIdFor } from '#core/request-id';
import type { ApprovalStore } from '#ports';
import { sweepExpired } from '#usecases/sweep-expired';
import { acceptingWorkflows } from '../support/accepting-workflows.ts';
import { gateInput, hitl, ManualClock } from '../support/fixtures.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(async () => table.close());

function expiredRequest(workflowId: string, dueAt: Date): ApprovalRequest {
  const input = gateInput({ workflowId });
  const createdAt = new Date(dueAt.getTime() - 60_000).toISOString();
  return {
    id: requestIdFor(input.executionId, input.nodeId, input.step),
    executionId: input.executionId, workflowId, nodeId: input.nodeId, step: input.step,
    mode: 'confirm_tools', channel: 'async', action: input.action, context: input.context, hitl: hitl(),
    requestedBy: 'requester', status: 'pending', level: 0, createdAt, dueAt: dueAt.toISOString(),
    events: [{ at: createdAt, type: 'created', actor: 'system:gate' }],
  };
}

const { workflows, accepted } = acceptingWorkflows();

/** The store, counting how many timeout writes are under way at once. */
function countingStore(store: ApprovalStore) {
  const seen = { inFlight: 0, most: 0 };
  const counting = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (name !== 'transition') return value.bind(target);
      return async (...args: unknown[]) => {
        seen.inFlight++;
        seen.most = Math.max(seen.most, seen.inFlight);
        try {
          return await value.apply(target, args);
        } finally {
          seen.inFlight--;
        }
      };
    },
  }) as ApprovalStore;
  return { store: counting, seen };
}

describe('the sweeper on a sharded table', () => {
  it('expires with several timeouts under way, never more than its concurrency, each request once', async () => {
    // Prepare: 40 expired requests
    const clock = new ManualClock();
    const requests = Array.from({ length: 40 }, () => expiredRequest('wf-concurrent', new Date(clock.now().getTime() - 1_000)));
    for (const r of requests) await table.store.create(r, `token-${r.id}`);
    const { store, seen } = countingStore(table.store);
    // Act
    const report = await sweepExpired({ store, audit: table.audit, workflows, notifier: recordOnlyNotifier, clock }, { concurrency: 6, batchSize: 15 });
    // Assess
    expect(report).toMatchObject({ timedOut: 40, delivered: 40, failed: 0, skipped: 0 });
    expect(seen.most).toBeGreaterThan(1);
    expect(seen.most).toBeLessThanOrEqual(6);
    for (const r of requests) expect(accepted.filter((t) => t === `token-${r.id}`)).toHaveLength(1);
    const stored = await Promise.all(requests.map((r) => table.store.get(r.id)));
    expect(stored.every((r) => r?.status === 'timed_out' && r.events.filter((e) => e.type === 'decided').length === 1)).toBe(true);
    expect(await table.store.listDue(clock.now(), 100)).toEqual([]);
  });

  it('reads the shards of the due index side by side', async () => {
    // Prepare: a client that records when each Query of the due index was sent and answered
    const events: string[] = [];
    const db = {
      send: async (command: { input: { IndexName?: string } }) => {
        const due = command instanceof QueryCommand && command.input.IndexName === INDEXES.due.name;
        if (due) events.push('sent');
        const result = await table.db.send(command as never);
        if (due) events.push('answered');
        return result;
      },
    } as unknown as DynamoDBDocumentClient;
    const store = new RequestRepository(db, table.tableName, { shards: { count: 5 } });
    // Act
    await store.listDue(new Date(), 10);
    // Assess: all five shards asked before the first answer came back
    expect(events.slice(0, 5)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect(events.filter((e) => e === 'sent').length).toBeGreaterThanOrEqual(5);
  });
});

