import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRepository } from '#adapters/dynamodb/audit-repository';
import { RequestRepository } from '#adapters/dynamodb/request-repository';
import { StatsRepository } from '#adapters/dynamodb/stats-repository';
import { recordOnlyNotifier } from '#adapters/notify/record-only-notifier';
import type { ApprovalRequest } from '#core/request';
import { requestIdFor } from '#core/request-id';
import { sweepExpired } from '#usecases/sweep-expired';
import { staticSecret } from '../../lambdas/channels/secrets/secret-source.ts';
import { acceptingWorkflows } from '../support/accepting-workflows.ts';
import { gateInput, hitl, ManualClock } from '../support/fixtures.ts';
import { startLocalTable, TEST_AUDIT_KEY, type LocalTable } from '../support/local-table.ts';

let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(async () => table.close());

function expiredRequest(dueAt: Date): ApprovalRequest {
  const input = gateInput({ workflowId: 'wf-calls' });
  const createdAt = new Date(dueAt.getTime() - 60_000).toISOString();
  return {
    id: requestIdFor(input.executionId, input.nodeId, input.step),
    executionId: input.executionId, workflowId: 'wf-calls', nodeId: input.nodeId, step: input.step,
    mode: 'confirm_tools', channel: 'async', action: input.action, context: input.context, hitl: hitl(),
    requestedBy: 'requester', status: 'pending', level: 0, createdAt, dueAt: dueAt.toISOString(),
    events: [{ at: createdAt, type: 'created', actor: 'system:gate' }],
  };
}

/** The table's client, counting each command it sends by name; `tamper` may change an answer. */
function countingClient(db: DynamoDBDocumentClient, tamper?: (command: unknown, answer: any) => any) {
  const calls = new Map<string, number>();
  const updates: Record<string, unknown>[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input?: Record<string, unknown> }) => {
      const name = command.constructor.name;
      calls.set(name, (calls.get(name) ?? 0) + 1);
      if (name === 'UpdateCommand') updates.push(command.input!);
      const answer = await db.send(command as never);
      return tamper ? tamper(command, answer) : answer;
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, calls, updates };
}

const { workflows, accepted } = acceptingWorkflows();

describe('one expiry in the sweeper', () => {
  it('costs the timeout write, the audit entry and one write that records the delivery and its follow-ups done, returning nothing', async () => {
    // Prepare: 30 expired requests, and repositories that count their calls
    const clock = new ManualClock();
    const requests = Array.from({ length: 30 }, () => expiredRequest(new Date(clock.now().getTime() - 1_000)));
    for (const r of requests) await table.store.create(r, `token-${r.id}`);
    const { client, calls, updates } = countingClient(table.db);
    const store = new RequestRepository(client, table.tableName);
    const audit = new AuditRepository(client, table.tableName, { key: staticSecret(TEST_AUDIT_KEY) });
    const stats = new StatsRepository(client, table.tableName);

    // Act
    const report = await sweepExpired({ store, audit, stats, workflows, notifier: recordOnlyNotifier, clock }, { batchSize: 100 });

    // Assess: the batch read in one BatchGetItem, no read per request, and three writes per expiry
    // (a timeout is counted in the statistics by the rollup, from the decided timeline)
    expect(report).toMatchObject({ timedOut: 30, delivered: 30, failed: 0, skipped: 0 });
    expect(calls.get('BatchGetCommand')).toBe(1);
    expect(calls.get('GetCommand') ?? 0).toBe(0);
    expect(calls.get('PutCommand')).toBe(30);
    expect(calls.get('UpdateCommand')).toBe(60);
    expect(updates.filter((u) => String(u.Key && (u.Key as { pk: string }).pk).startsWith('STATS#'))).toEqual([]);
    // ... the delivery write hands nothing back (nobody reads the request it leaves)
    const deliveryWrites = updates.filter((u) => String(u.UpdateExpression).includes('#delivery = :outcome'));
    expect(deliveryWrites).toHaveLength(30);
    expect(deliveryWrites.every((u) => u.ReturnValues === 'NONE')).toBe(true);
    // ... and each request is settled: delivered, owing nothing, in neither the undelivered nor the OWED partition
    for (const r of requests) {
      expect(accepted.filter((t) => t === `token-${r.id}`)).toHaveLength(1);
      const item = (await table.db.send(new GetCommand({ TableName: table.tableName, Key: { pk: `REQ#${r.id}`, sk: 'META' }, ConsistentRead: true }))).Item!;
      expect(item).toMatchObject({ status: 'timed_out', delivery: 'delivered', owedCount: 0 });
      expect(item.gsi3pk).toBeUndefined();
      expect(Object.keys(item).filter((k) => k.startsWith('owed:'))).toEqual([]);
      expect((await table.audit.chain(r.executionId)).filter((e) => e.kind === 'timeout')).toHaveLength(1);
    }
    expect(await table.store.listOwed(new Date(clock.now().getTime() + 3_600_000), 100)).toEqual({ ids: [] });
  });

  it('reads the keys DynamoDB leaves unprocessed again, keeping the order they fell due in', async () => {
    // Prepare: five due requests; the first BatchGetItem answers only two of them
    const clock = new ManualClock();
    const requests = Array.from({ length: 5 }, (_, i) => expiredRequest(new Date(clock.now().getTime() - 10_000 + i)));
    for (const r of requests) await table.store.create(r, `token-${r.id}`);
    let batches = 0;
    const { client } = countingClient(table.db, (command, answer) => {
      if (!(command instanceof BatchGetCommand) || batches++ > 0) return answer;
      const items = answer.Responses[table.tableName] as Record<string, unknown>[];
      const keys = items.slice(2).map((item) => ({ pk: item.pk, sk: item.sk }));
      return { ...answer, Responses: { [table.tableName]: items.slice(0, 2) }, UnprocessedKeys: { [table.tableName]: { Keys: keys } } };
    });
    const store = new RequestRepository(client, table.tableName);
    // Act
    const due = await store.listDue(clock.now(), 100);
    // Assess: all five, in the order they fell due, after a second BatchGetItem
    expect(batches).toBe(2);
    expect(due.map((r) => r.id)).toEqual(requests.map((r) => r.id));
    expect(due.every((r) => r.status === 'pending' && r.hitl !== undefined)).toBe(true);
  });
});
