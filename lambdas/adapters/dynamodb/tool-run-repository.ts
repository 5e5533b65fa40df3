import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '#core/errors';
import type { ToolOutcome } from '#core/flow-state';
import type { ToolRun, ToolRunStore } from '#usecases/flow-ports';
import { isConditionFailure } from './client.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/** Key builders for tool-run records, one item per idempotency key. */
export const toolRunKeys = {
  pk: (key: string) => `TOOLRUN#${key}`,
  sk: 'META',
};

/** Named conditions, so each write says what it relies on. */
const conditions = {
  isFreeToClaim: 'attribute_not_exists(pk) OR (#status = :running AND #lease < :now)',
  isRunning: '#status = :running',
};

/** Kept longer than the longest execution (a year), so any retry or replay still finds its run. */
const RETENTION_SECONDS = 400 * 86_400;

const RUN_FIELDS = ['key', 'tool', 'executionId', 'status', 'startedAt', 'leaseUntil', 'finishedAt', 'outcome'] as const;

function toRun(item: Record<string, unknown>): ToolRun {
  const run: Record<string, unknown> = {};
  for (const field of RUN_FIELDS) if (item[field] !== undefined) run[field] = item[field];
  return run as unknown as ToolRun;
}

/** DynamoDB implementation of ToolRunStore: a claim is a conditional put, a retry reads the stored outcome. */
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

  async claim(run: Pick<ToolRun, 'key' | 'tool' | 'executionId'>, now: Date, leaseUntil: Date): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: toolRunKeys.pk(run.key),
            sk: toolRunKeys.sk,
            entity: 'tool-run',
            ...run,
            status: 'running',
            startedAt: now.toISOString(),
            leaseUntil: leaseUntil.toISOString(),
            [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + RETENTION_SECONDS,
          },
          ConditionExpression: conditions.isFreeToClaim,
          ExpressionAttributeNames: { '#status': 'status', '#lease': 'leaseUntil' },
          ExpressionAttributeValues: { ':running': 'running', ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async complete(key: string, outcome: ToolOutcome, at: Date): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: toolRunKeys.pk(key), sk: toolRunKeys.sk },
          UpdateExpression: 'SET #status = :done, outcome = :outcome, finishedAt = :at REMOVE leaseUntil',
          ConditionExpression: conditions.isRunning,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':done': 'done', ':outcome': outcome, ':at': at.toISOString(), ':running': 'running' },
        }),
      );
    } catch (error) {
      // Our lease ran out and another run took the key: its outcome is the one that counts.
      if (isConditionFailure(error)) throw new ConcurrentUpdateError(`tool run ${key} was taken over before it finished`, { cause: error });
      throw error;
    }
  }

  async release(key: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: toolRunKeys.pk(key), sk: toolRunKeys.sk },
          ConditionExpression: conditions.isRunning,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':running': 'running' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
