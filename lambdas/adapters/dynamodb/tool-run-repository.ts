import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '#core/errors';
import type { ToolOutcome } from '#core/flow-state';
import type { ToolRun, ToolRunStore } from '#usecases/flow-ports';
import { sendConditionally } from './client.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/** Key builders for tool-run records, one item per idempotency key. */
export const toolRunKeys = {
  pk: (key: string) => `TOOLRUN#${key}`,
  sk: 'META',
};

/** Named conditions, so each write says what it relies on. */
const conditions = {
  doesNotExist: 'attribute_not_exists(pk)',
  isHeldBy: '#status = :running AND attempt = :holder',
  // Claims stored before attempts were recorded.
  isHeldByUnrecorded: '#status = :running AND attribute_not_exists(attempt)',
};

function heldBy(attempt: string | undefined) {
  return attempt === undefined
    ? { condition: conditions.isHeldByUnrecorded, values: { ':running': 'running' } }
    : { condition: conditions.isHeldBy, values: { ':running': 'running', ':holder': attempt } };
}

/** Kept longer than the longest execution (a year), so any retry or replay still finds its run. */
const RETENTION_SECONDS = 400 * 86_400;

const RUN_FIELDS = ['key', 'tool', 'executionId', 'status', 'attempt', 'startedAt', 'finishedAt', 'outcome'] as const;

function toRun(item: Record<string, unknown>): ToolRun {
  const run: Record<string, unknown> = {};
  for (const field of RUN_FIELDS) if (item[field] !== undefined) run[field] = item[field];
  return run as unknown as ToolRun;
}

/** DynamoDB implementation of ToolRunStore: a claim is a conditional put, every later write is conditional on the attempt holding it. */
export class ToolRunRepository implements ToolRunStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(key: string): Promise<ToolRun | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: toolRunKeys.pk(key), sk: toolRunKeys.sk }, ConsistentRead: true }),
    );
    return result.Item ? toRun(result.Item) : undefined;
  }

  async claim(run: Pick<ToolRun, 'key' | 'tool' | 'executionId'> & { readonly attempt: string }, now: Date): Promise<boolean> {
    return sendConditionally(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: toolRunKeys.pk(run.key),
          sk: toolRunKeys.sk,
          entity: 'tool-run',
          key: run.key,
          tool: run.tool,
          executionId: run.executionId,
          attempt: run.attempt,
          status: 'running',
          startedAt: now.toISOString(),
          [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + RETENTION_SECONDS,
        },
        ConditionExpression: conditions.doesNotExist,
      }),
    );
  }

  async takeOver(key: string, interrupted: string | undefined, attempt: string, now: Date): Promise<boolean> {
    const held = heldBy(interrupted);
    return sendConditionally(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: toolRunKeys.pk(key), sk: toolRunKeys.sk },
        UpdateExpression: 'SET attempt = :attempt, startedAt = :now REMOVE leaseUntil',
        ConditionExpression: held.condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...held.values, ':attempt': attempt, ':now': now.toISOString() },
      }),
    );
  }

  async markUnknown(key: string, interrupted: string | undefined, outcome: ToolOutcome, at: Date): Promise<boolean> {
    const held = heldBy(interrupted);
    return sendConditionally(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: toolRunKeys.pk(key), sk: toolRunKeys.sk },
        UpdateExpression: 'SET #status = :unknown, outcome = :outcome, finishedAt = :at REMOVE leaseUntil',
        ConditionExpression: held.condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...held.values, ':unknown': 'unknown', ':outcome': outcome, ':at': at.toISOString() },
      }),
    );
  }

  async complete(key: string, attempt: string, outcome: ToolOutcome, at: Date): Promise<void> {
    const held = heldBy(attempt);
    const completed = await sendConditionally(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: toolRunKeys.pk(key), sk: toolRunKeys.sk },
        UpdateExpression: 'SET #status = :done, outcome = :outcome, finishedAt = :at',
        ConditionExpression: held.condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...held.values, ':done': 'done', ':outcome': outcome, ':at': at.toISOString() },
      }),
    );
    // Another invocation found this run interrupted and took it over or marked it unknown: its record counts.
    if (!completed) throw new ConcurrentUpdateError(`tool run ${key} was taken over before attempt ${attempt} finished`);
  }

  async release(key: string, attempt: string): Promise<void> {
    const held = heldBy(attempt);
    await sendConditionally(
      this.db,
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: toolRunKeys.pk(key), sk: toolRunKeys.sk },
        ConditionExpression: held.condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: held.values,
      }),
    );
  }
}
