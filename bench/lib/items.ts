import { BatchWriteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isDeepStrictEqual } from 'node:util';
import { requestKeys, RequestRepository } from '#adapters/dynamodb/request-repository';
import { ShardLayout } from '#adapters/dynamodb/shards';
import { HitlConfigSchema } from '#core/hitl-config';
import { decide } from '#core/lifecycle';
import type { ApprovalRequest } from '#core/request';
import { requestIdFor } from '#core/request-id';

const HITL = HitlConfigSchema.parse({ mode: 'confirm_tools', approvers: { users: [], groups: ['approvers'] }, timeoutSeconds: 1800 });

/** A request as the gate stores it for a send_email tool call (about 1.3 KB, like the e2e tests'). */
export function sampleRequest(key: string, createdAt: Date, timeoutSeconds = 1800): ApprovalRequest {
  const executionId = `arn:aws:states:us-east-1:000000000000:execution:approval-gate:${key}`;
  const at = createdAt.toISOString();
  return {
    id: requestIdFor(executionId, 'agent', 'call-1'),
    executionId,
    workflowId: 'support-agent',
    nodeId: 'agent',
    step: 'call-1',
    mode: 'confirm_tools',
    channel: 'async',
    action: { kind: 'tool_call', toolCall: { id: 'call-1', name: 'send_email', args: { to: 'carol@example.com', subject: 'Refunds', body: 'Our refund policy: 30 days, no questions asked.' } } },
    context: {
      conversation: [
        { role: 'user', content: 'Email carol@example.com our refund policy, please.' },
        { role: 'assistant', content: 'I will send Carol the refund policy by email.' },
      ],
      facts: { customerTier: 'gold', orderId: `ord-${key}` },
    },
    hitl: HITL,
    requestedBy: 'alice',
    status: 'pending',
    level: 0,
    createdAt: at,
    dueAt: new Date(createdAt.getTime() + timeoutSeconds * 1000).toISOString(),
    events: [
      { at, type: 'created', actor: 'system:gate', detail: { level: 0 } },
      { at, type: 'notified', actor: 'channel:record', detail: { reason: 'created', recipients: ['group:approvers'] } },
    ],
  };
}

/** The same request approved by bob and delivered to its workflow. */
export function decidedRequest(request: ApprovalRequest, decidedAt: Date): ApprovalRequest {
  const decided = decide(request, { outcome: 'approved', approver: 'bob', scope: 'once', channel: 'api', decidedAt: decidedAt.toISOString() });
  return {
    ...decided,
    delivery: 'delivered',
    events: [...decided.events, { at: decidedAt.toISOString(), type: 'delivered', actor: 'system:delivery' }],
  };
}

const taskTokenOf = (request: ApprovalRequest) => `bench-token-${request.id}`;

/**
 * The items RequestRepository leaves in the table for `request`: the request item with the sparse
 * index attributes its state carries (pending: pending + due; decided and delivered: the history
 * index only), and the execution pointer. `checkItemFormat` proves they match what the store writes.
 */
export function storedItems(request: ApprovalRequest, taskToken = taskTokenOf(request), shards = new ShardLayout()): Record<string, unknown>[] {
  const indexes =
    request.status === 'pending'
      ? { ...requestKeys.pending(request, shards), ...requestKeys.due(request, shards) }
      : request.delivery === 'delivered' || request.delivery === 'workflow_gone'
        ? requestKeys.decided(request.decision!.decidedAt, request.id, shards)
        : { ...requestKeys.decided(request.decision!.decidedAt, request.id, shards), ...requestKeys.undelivered(request.decision!.decidedAt, request.id, shards) };
  return [
    { pk: requestKeys.pk(request.id), sk: requestKeys.sk, entity: 'request', ...request, taskToken, ...indexes },
    { ...requestKeys.executionPointer(request.executionId, request.id), entity: 'request-pointer', requestId: request.id, createdAt: request.createdAt },
  ];
}

/** Writes items 25 at a time, `parallel` batches in flight, retrying what DynamoDB hands back. */
export async function batchWrite(db: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[], parallel = 8): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    for (let b = next++; b < batches.length; b = next++) {
      let requests = batches[b].map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 10) throw new Error('BatchWrite kept returning unprocessed items');
        const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/**
 * Drives one request through the real repository (create, notify event, decision, delivery) and
 * checks each stored item equals what `storedItems` builds; throws naming the first difference.
 */
export async function checkItemFormat(db: DynamoDBDocumentClient, tableName: string): Promise<void> {
  const store = new RequestRepository(db, tableName);
  const raw = async (id: string) => (await db.send(new GetCommand({ TableName: tableName, Key: { pk: requestKeys.pk(id), sk: requestKeys.sk } }))).Item;
  const base = sampleRequest(`format-check-${Date.now()}`, new Date());
  const created = { ...base, events: base.events.slice(0, 1) };
  await store.create(created, taskTokenOf(base));
  await store.appendEvent(base.id, base.events[1]);
  expectSame('pending request', await raw(base.id), storedItems(base)[0]);
  const decidedAt = new Date();
  const decided = decide(base, { outcome: 'approved', approver: 'bob', scope: 'once', channel: 'api', decidedAt: decidedAt.toISOString() });
  await store.transition(base, decided);
  await store.markDelivery(base.id, 'delivered', decidedAt);
  expectSame('decided request', await raw(base.id), storedItems(decidedRequest(base, decidedAt))[0]);
  const pointer = await db.send(new GetCommand({ TableName: tableName, Key: requestKeys.executionPointer(base.executionId, base.id) }));
  expectSame('execution pointer', pointer.Item, storedItems(base)[1]);
}

function expectSame(what: string, actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`seeded ${what} differs from what the store writes:\n stored: ${JSON.stringify(actual)}\n seeded: ${JSON.stringify(expected)}`);
  }
}
