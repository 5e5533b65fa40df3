import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '#core/errors';
import type { ExecutionEnd, ExecutionRecord } from '#core/flow-execution';
import type { ExecutionStore } from '#usecases/flow-ports';
import { isConditionFailure } from './client.ts';
import { INDEXES } from './table.ts';

/**
 * Key builders for flow execution records. The record lives in the execution's partition, next to
 * its audit chain (`AUD#...`) and its request pointers (`REQ#...`). While it runs it is also listed
 * in the sparse `RUNNING_EXECUTIONS` partition of the timeline index, which a restarted local engine
 * reads to resume what was running.
 */
export const executionKeys = {
  pk: (executionId: string) => `EXEC#${executionId}`,
  sk: 'EXECUTION',
  running: (record: Pick<ExecutionRecord, 'startedAt' | 'executionId'>) => ({
    gsi4pk: 'RUNNING_EXECUTIONS',
    gsi4sk: `${record.startedAt}#${record.executionId}`,
  }),
};

/** Named conditions, so each write says what it relies on. */
const conditions = {
  doesNotExist: 'attribute_not_exists(pk)',
  isRunning: '#status = :running',
};

const RECORD_FIELDS = [
  'executionId', 'flowId', 'revision', 'channel', 'stateMachineArn', 'runArn', 'input', 'startedBy', 'startedAt',
  'status', 'endedAt', 'result', 'error', 'cause', 'runs',
] as const;

function toRecord(item: Record<string, unknown>): ExecutionRecord {
  const record: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) if (item[field] !== undefined) record[field] = item[field];
  record.runs ??= [];
  return record as ExecutionRecord;
}

/** DynamoDB implementation of ExecutionStore. */
export class ExecutionRepository implements ExecutionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(record: ExecutionRecord): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: executionKeys.pk(record.executionId),
            sk: executionKeys.sk,
            entity: 'execution',
            ...record,
            ...(record.status === 'RUNNING' ? executionKeys.running(record) : {}),
          },
          ConditionExpression: conditions.doesNotExist,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentUpdateError(`execution ${record.executionId} exists already`, { cause: error });
      throw error;
    }
  }

  async get(executionId: string): Promise<ExecutionRecord | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: executionKeys.pk(executionId), sk: executionKeys.sk }, ConsistentRead: true }),
    );
    return result.Item ? toRecord(result.Item) : undefined;
  }

  async markEnded(executionId: string, end: ExecutionEnd): Promise<boolean> {
    const values: Record<string, unknown> = { ':running': 'RUNNING', ':status': end.status, ':at': end.at };
    const set = ['#status = :status', 'endedAt = :at'];
    if (end.status === 'SUCCEEDED') {
      set.push('#result = :result');
      values[':result'] = end.result;
    } else {
      set.push('#error = :error', '#cause = :cause');
      values[':error'] = end.error;
      values[':cause'] = end.cause;
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: executionKeys.pk(executionId), sk: executionKeys.sk },
          UpdateExpression: `SET ${set.join(', ')} REMOVE gsi4pk, gsi4sk`,
          ConditionExpression: conditions.isRunning,
          ExpressionAttributeNames: {
            '#status': 'status',
            ...(end.status === 'SUCCEEDED' ? { '#result': 'result' } : { '#error': 'error', '#cause': 'cause' }),
          },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      // Ended already (or never recorded): the first report of the end stands.
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async recordRun(executionId: string, run: ExecutionRecord['runs'][number]): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: executionKeys.pk(executionId), sk: executionKeys.sk },
          UpdateExpression: 'SET runArn = :arn, runs = list_append(if_not_exists(runs, :none), :run)',
          ConditionExpression: conditions.isRunning,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':arn': run.runArn, ':run': [run], ':none': [], ':running': 'RUNNING' },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentUpdateError(`execution ${executionId} is not running`, { cause: error });
      throw error;
    }
  }

  async listRunning(limit: number): Promise<ExecutionRecord[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEXES.timeline.name,
          KeyConditionExpression: 'gsi4pk = :pk',
          ExpressionAttributeValues: { ':pk': 'RUNNING_EXECUTIONS' },
          Limit: limit - ids.length,
          ExclusiveStartKey: startKey,
        }),
      );
      ids.push(...(result.Items ?? []).map((item) => String(item.pk).slice(executionKeys.pk('').length)));
      startKey = result.LastEvaluatedKey;
    } while (startKey && ids.length < limit);
    // The timeline index leaves execution inputs and results out (index-projections.ts): read each record.
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records.filter((record): record is ExecutionRecord => record !== undefined);
  }
}
