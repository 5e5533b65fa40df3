import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEXES } from '#adapters/dynamodb/table';
import { RequestRepository } from '#adapters/dynamodb/request-repository';
import { decide } from '#core/lifecycle';
import { LISTED_FIELDS } from '#core/listed-request';
import type { ApprovalRequest } from '#core/request';
import { requestIdFor } from '#core/request-id';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';
import { gateInput, hitl } from '../support/fixtures.ts';

let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(async () => table.close());

const KB = 1024;
const CHECKPOINT_MARK = 'CHECKPOINT-';
const CONVERSATION_MARK = 'CONVERSATION-';

/** A pending request carrying a 150 KB checkpoint and a 100 KB conversation. */
function heavyRequest(workflowId: string, createdAt: string): ApprovalRequest {
  const input = gateInput({ workflowId });
  return {
    id: requestIdFor(input.executionId, input.nodeId, input.step),
    executionId: input.executionId,
    workflowId,
    nodeId: input.nodeId,
    step: input.step,
    mode: 'confirm_tools',
    channel: 'async',
    action: input.action,
    context: { conversation: Array.from({ length: 100 }, () => ({ role: 'user' as const, content: CONVERSATION_MARK.padEnd(KB, '.') })), facts: {} },
    checkpoint: { schemaVersion: 1, stateName: 'Gate', state: { blob: CHECKPOINT_MARK.padEnd(150 * KB, '#') } },
    hitl: hitl(),
    requestedBy: 'requester',
    status: 'pending',
    level: 0,
    createdAt,
    dueAt: new Date(Date.parse(createdAt) + 60_000).toISOString(),
    events: [{ at: createdAt, type: 'created', actor: 'system:gate' }],
  };
}

/** A repository on the test table whose client keeps the raw items DynamoDB answered with. */
function recordingRepository(): { store: RequestRepository; answered: Record<string, unknown>[] } {
  const answered: Record<string, unknown>[] = [];
  const db = {
    send: async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
      const result = (await table.db.send(command as never)) as { Items?: Record<string, unknown>[] };
      answered.push(...(result.Items ?? []));
      return result;
    },
  } as unknown as DynamoDBDocumentClient;
  return { store: new RequestRepository(db, table.tableName), answered };
}

describe('listings read only the listed attributes', () => {
  it('asks DynamoDB for the listed attributes alone, so a heavy item crosses the wire small', async () => {
    // Prepare
    const workflowId = `wf-projection-wire-${Date.now()}`;
    await table.store.create(heavyRequest(workflowId, new Date().toISOString()), 'secret-task-token');
    const { store, answered } = recordingRepository();
    // Act
    await store.listPending({ limit: 5, workflowId });
    // Assess
    expect(answered).toHaveLength(1);
    // The listed fields, and the index's sort key, which merges the shards' pages.
    const read = [...LISTED_FIELDS, INDEXES.pending.sk] as readonly string[];
    expect(Object.keys(answered[0]).sort()).toEqual(Object.keys(answered[0]).filter((key) => read.includes(key)).sort());
    expect(JSON.stringify(answered).length).toBeLessThan(5 * KB);
  });

  it('pages pending requests without their checkpoint, conversation, history or task token', async () => {
    // Prepare
    const workflowId = `wf-projection-${Date.now()}`;
    const base = Date.parse('2026-02-01T00:00:00.000Z');
    const requests = Array.from({ length: 3 }, (_, i) => heavyRequest(workflowId, new Date(base + i * 1000).toISOString()));
    for (const request of requests) await table.store.create(request, 'secret-task-token');
    // Act
    const first = await table.store.listPending({ limit: 2, workflowId });
    const second = await table.store.listPending({ limit: 2, workflowId, cursor: first.nextCursor });
    // Assess
    const listed = [...first.items, ...second.items];
    expect(listed.map((r) => r.id)).toEqual(requests.map((r) => r.id).reverse());
    expect(second.nextCursor).toBeUndefined();
    const json = JSON.stringify(listed);
    for (const secret of [CHECKPOINT_MARK, CONVERSATION_MARK, 'secret-task-token']) expect(json).not.toContain(secret);
    for (const item of listed) expect(Object.keys(item).every((key) => (LISTED_FIELDS as readonly string[]).includes(key))).toBe(true);
    expect(listed[0]).toMatchObject({ hitl: { approvers: { groups: ['approvers'] } }, requestedBy: 'requester', action: { kind: 'tool_call' }, status: 'pending' });
    expect(json.length).toBeLessThan(10 * KB);
  });

  it('reads decided requests the same way, filtered by approver', async () => {
    // Prepare
    const workflowId = `wf-projection-history-${Date.now()}`;
    const request = heavyRequest(workflowId, new Date().toISOString());
    await table.store.create(request, 'secret-task-token');
    await table.store.transition(request, decide(request, { outcome: 'approved', approver: 'bob', scope: 'once', channel: 'api', decidedAt: new Date().toISOString() }));
    // Act
    const page = await table.store.listDecided({ limit: 10, workflowId, approver: 'bob' });
    // Assess
    expect(page.items.map((r) => r.id)).toEqual([request.id]);
    expect(page.items[0]).toMatchObject({ status: 'approved', decision: { approver: 'bob' } });
    expect(JSON.stringify(page.items)).not.toContain(CHECKPOINT_MARK);
    expect(page.items[0]).not.toHaveProperty('events');
  });
});
