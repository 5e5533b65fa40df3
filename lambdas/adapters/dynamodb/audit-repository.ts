import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chainEntry } from '#core/audit-chain';
import type { AuditEntry, AuditRecord } from '#core/audit-entry';
import { ConcurrentUpdateError } from '#core/errors';
import type { AuditLog, AuditQuery, Clock, Page } from '#ports';
import { systemClock } from '#ports';
import { isConditionFailure } from './client.ts';
import type { CursorShape } from './cursor.ts';
import { queryPage } from './query-page.ts';
import { INDEXES, TTL_ATTRIBUTE } from './table.ts';

export const auditKeys = {
  pk: (executionId: string) => `EXEC#${executionId}`,
  sk: (seq: number) => `AUD#${String(seq).padStart(10, '0')}`,
  timeline: (entry: AuditEntry) => ({ gsi4pk: 'AUDIT', gsi4sk: `${entry.at}#${entry.executionId}#${entry.seq}` }),
};

/** The attributes of an audit entry item. */
export const ENTRY_FIELDS = ['executionId', 'workflowId', 'nodeId', 'requestId', 'kind', 'actor', 'detail', 'seq', 'at', 'prevHash', 'hash'] as const;

function toEntry(item: Record<string, unknown>): AuditEntry {
  const entry: Record<string, unknown> = {};
  for (const field of ENTRY_FIELDS) if (item[field] !== undefined) entry[field] = item[field];
  return entry as AuditEntry;
}

const TIMELINE_CURSOR: CursorShape = { keys: ['pk', 'sk', 'gsi4pk', 'gsi4sk'], partition: { attribute: 'gsi4pk', value: 'AUDIT' } };
const EXECUTION_CURSOR: CursorShape = { keys: ['pk', 'sk'] };
const APPEND_ATTEMPTS = 20;

export interface AuditRepositoryOptions {
  /** Entries expire (DynamoDB TTL) this many days after they are written; kept forever when unset. */
  readonly retentionDays?: number;
  readonly clock?: Clock;
}

/**
 * Audit entries of one execution form a hash chain: entry n stores the hash of entry n-1. Appending
 * claims the next sequence number with a conditional put, so concurrent writers never fork the chain.
 */
export class AuditRepository implements AuditLog {
  private readonly clock: Clock;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: AuditRepositoryOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async append(record: AuditRecord): Promise<AuditEntry> {
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      const previous = await this.last(record.executionId);
      const entry = chainEntry(record, previous, this.clock.now().toISOString());
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk: auditKeys.pk(entry.executionId),
              sk: auditKeys.sk(entry.seq),
              entity: 'audit',
              ...entry,
              ...auditKeys.timeline(entry),
              ...(this.options.retentionDays
                ? { [TTL_ATTRIBUTE]: Math.floor(Date.parse(entry.at) / 1000) + this.options.retentionDays * 86_400 }
                : {}),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return entry;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Another writer took this sequence number; read the new tail and try the next one.
      }
    }
    throw new ConcurrentUpdateError(`could not append to the audit chain of ${record.executionId}`);
  }

  async chain(executionId: string): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': auditKeys.pk(executionId), ':prefix': 'AUD#' },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      entries.push(...(result.Items ?? []).map(toEntry));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return entries;
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const from = query.from ?? '0000';
    const to = `${query.to ?? '9999'}~`;
    const filters: string[] = [];
    const values: Record<string, unknown> = {};
    if (query.workflowId) {
      filters.push('workflowId = :workflowId');
      values[':workflowId'] = query.workflowId;
    }
    let input: ConstructorParameters<typeof QueryCommand>[0];
    let shape: CursorShape;
    if (query.executionId) {
      // One execution's chain, in order, filtered to the time range.
      filters.push('#at BETWEEN :from AND :to');
      input = {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ...values, ':pk': auditKeys.pk(query.executionId), ':prefix': 'AUD#', ':from': from, ':to': to },
      };
      shape = EXECUTION_CURSOR;
    } else {
      input = {
        TableName: this.tableName,
        IndexName: INDEXES.timeline.name,
        KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ...values, ':pk': 'AUDIT', ':from': from, ':to': to },
      };
      shape = TIMELINE_CURSOR;
    }
    if (filters.length) input.FilterExpression = filters.join(' AND ');
    return queryPage(this.db, input, query, shape, toEntry);
  }

  private async last(executionId: string): Promise<AuditEntry | undefined> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': auditKeys.pk(executionId), ':prefix': 'AUD#' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = result.Items?.[0];
    return item ? toEntry(item) : undefined;
  }
}
