import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chainEntry } from '#core/audit-chain';
import type { AuditEntry, AuditRecord } from '#core/audit-entry';
import { AuditAppendError } from '#core/errors';
import type { AppendOnce, AuditLog, AuditQuery, Clock, Page } from '#ports';
import { systemClock } from '#ports';
import type { SecretSource } from '../../channels/secrets/secret-source.ts';
import { isConditionFailure } from './client.ts';
import type { CursorShape } from './cursor.ts';
import { positionCursor } from './position-cursor.ts';
import { queryPage } from './query-page.ts';
import { queryShards } from './sharded-query.ts';
import { ShardLayout, type IndexShards } from './shards.ts';
import { INDEXES, TTL_ATTRIBUTE } from './table.ts';

export const auditKeys = {
  pk: (executionId: string) => `EXEC#${executionId}`,
  /** An entry of the execution's own chain. */
  sk: (seq: number) => `AUD#${String(seq).padStart(10, '0')}`,
  /** An entry of a request's chain (see `requestChainId`); these sort after the execution's own. */
  chainSk: (chain: string | undefined, seq: number) => (chain === undefined ? auditKeys.sk(seq) : `AUD#${chain}#${String(seq).padStart(10, '0')}`),
  /** Sharded by execution: one execution's entries share a shard, and executions spread over them. */
  timeline: (entry: AuditEntry, shards: ShardLayout) => ({
    gsi4pk: shards.partitionOf('AUDIT', entry.executionId),
    gsi4sk: `${entry.at}#${entry.executionId}#${entry.chain ? `${entry.chain}#` : ''}${entry.seq}`,
  }),
};

/** The attributes of an audit entry item. */
export const ENTRY_FIELDS = ['executionId', 'workflowId', 'nodeId', 'requestId', 'kind', 'actor', 'detail', 'eventId', 'chain', 'seq', 'at', 'prevHash', 'hash'] as const;

function toEntry(item: Record<string, unknown>): AuditEntry {
  const entry: Record<string, unknown> = {};
  for (const field of ENTRY_FIELDS) if (item[field] !== undefined) entry[field] = item[field];
  return entry as AuditEntry;
}

const TIMELINE_LIST = 'audit';
const EXECUTION_CURSOR: CursorShape = { keys: ['pk', 'sk'] };
/** The key range of an execution's own chain, without the request chains stored beside it. */
const OWN_CHAIN = { from: auditKeys.sk(0), to: auditKeys.sk(9_999_999_999) };
/** Enough for 50 writers on one chain at once; beyond, the entry stays owed and is written later. */
const APPEND_ATTEMPTS = 60;
const BACKOFF_BASE_MS = 2;
const BACKOFF_CAP_MS = 50;
/** How far apart the clocks of two writers may be, for finding an entry by the time it became owed. */
const CLOCK_MARGIN_MS = 5 * 60_000;

export interface AuditRepositoryOptions {
  /** Entries expire (DynamoDB TTL) this many days after they are written; kept forever when unset. */
  readonly retentionDays?: number;
  readonly clock?: Clock;
  /**
   * The audit key the entries' MACs are computed with (Secrets Manager on AWS, configuration locally).
   * Read on the first append or verification only, so a function that does neither needs no access.
   */
  readonly key?: SecretSource;
  /** How the busy index partitions are sharded. @default DEFAULT_INDEX_SHARDS */
  readonly shards?: IndexShards;
}

/**
 * Audit entries of one execution form keyed chains: entry n stores the MAC of entry n-1 and its own.
 * The execution's own chain is appended to by reading its tail and claiming the next sequence number
 * with a conditional put, so concurrent writers never fork it; an entry with an event id is written at
 * most once. Each request's chain sits beside it: its entries come sealed (place and MAC fixed by the
 * request's own conditional write) and are stored as they are, without reading anything first.
 */
export class AuditRepository implements AuditLog {
  private readonly clock: Clock;
  private readonly shards: ShardLayout;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: AuditRepositoryOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.shards = new ShardLayout(options.shards);
  }

  key(): Promise<string> {
    if (!this.options.key) return Promise.reject(new Error('no audit key is configured (AUDIT_KEY_SECRET_ARN on AWS, HITL_AUDIT_KEY locally)'));
    return this.options.key();
  }

  async append(record: AuditRecord, once: AppendOnce = {}): Promise<AuditEntry> {
    const key = await this.key();
    if (record.eventId && once.landedSince !== undefined) {
      // An earlier doer of this event may have written it: if so, that is the entry.
      const earlier = await this.findSince(record.executionId, once.landedSince, record.eventId);
      if (earlier) return earlier;
    }
    let lastError: unknown;
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const previous = await this.last(record.executionId);
      if (record.eventId && previous?.eventId === record.eventId) return previous;
      const entry = chainEntry(key, record, previous, this.clock.now().toISOString());
      try {
        await this.put(entry);
        return entry;
      } catch (error) {
        if (!isConditionFailure(error)) throw new AuditAppendError(`could not append to the audit chain of ${record.executionId}`, { cause: error });
        lastError = error;
        // Another writer took this position, or the SDK retried our own write that had landed.
        if (record.eventId) {
          const taken = await this.at(record.executionId, entry.seq);
          if (taken?.eventId === record.eventId) return taken;
        }
      }
    }
    throw new AuditAppendError(`the audit chain of ${record.executionId} stayed contended through ${APPEND_ATTEMPTS} attempts`, { cause: lastError });
  }

  async appendSealed(entry: AuditEntry): Promise<AuditEntry> {
    try {
      await this.put(entry);
      return entry;
    } catch (error) {
      if (!isConditionFailure(error)) throw new AuditAppendError(`could not store entry ${entry.seq} of ${entry.chain ?? entry.executionId}`, { cause: error });
      // Stored before: by an earlier doer of the same follow-up, or by the SDK retrying our own write.
      const there = await this.at(entry.executionId, entry.seq, entry.chain);
      if (there?.hash === entry.hash) return there;
      throw new AuditAppendError(`entry ${entry.seq} of ${entry.chain ?? entry.executionId} holds another entry`, { cause: error });
    }
  }

  private async put(entry: AuditEntry): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: auditKeys.pk(entry.executionId),
          sk: auditKeys.chainSk(entry.chain, entry.seq),
          entity: 'audit',
          ...entry,
          ...auditKeys.timeline(entry, this.shards),
          ...(this.options.retentionDays
            ? { [TTL_ATTRIBUTE]: Math.floor(Date.parse(entry.at) / 1000) + this.options.retentionDays * 86_400 }
            : {}),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
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
    if (query.executionId) {
      // One execution's entries: its own chain, then each request's chain, each in order, filtered to the time range.
      filters.push('#at BETWEEN :from AND :to');
      return queryPage(this.db, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: filters.join(' AND '),
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ...values, ':pk': auditKeys.pk(query.executionId), ':prefix': 'AUD#', ':from': from, ':to': to },
      }, query, EXECUTION_CURSOR, toEntry);
    }
    // Every execution's entries, oldest first, merged across the shards of the timeline.
    const after = positionCursor.decode(query.cursor, TIMELINE_LIST);
    const page = await queryShards(
      this.db,
      {
        tableName: this.tableName,
        indexName: INDEXES.timeline.name,
        partitionAttribute: INDEXES.timeline.pk,
        sortAttribute: INDEXES.timeline.sk,
        partitions: this.shards.partitions('AUDIT'),
        order: 'ascending',
        range: { from, to },
        ...(filters.length ? { filter: { expression: filters.join(' AND '), values } } : {}),
      },
      { limit: query.limit, ...(after !== undefined ? { after } : {}) },
    );
    const nextCursor = positionCursor.encode(TIMELINE_LIST, page.after);
    const items = page.items.map(toEntry);
    return nextCursor ? { items, nextCursor } : { items };
  }

  /**
   * The entry of `eventId` among an execution's entries written since `since`, newest first. Entries
   * are appended in time order; a margin covers the clocks of different writers.
   */
  private async findSince(executionId: string, since: string, eventId: string): Promise<AuditEntry | undefined> {
    const from = new Date(Date.parse(since) - CLOCK_MARGIN_MS).toISOString();
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': auditKeys.pk(executionId), ':from': OWN_CHAIN.from, ':to': OWN_CHAIN.to },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      for (const item of result.Items ?? []) {
        if (item.eventId === eventId) return toEntry(item);
        if (String(item.at) < from) return undefined;
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return undefined;
  }

  private async at(executionId: string, seq: number, chain?: string): Promise<AuditEntry | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: auditKeys.pk(executionId), sk: auditKeys.chainSk(chain, seq) }, ConsistentRead: true }),
    );
    return result.Item ? toEntry(result.Item) : undefined;
  }

  private async last(executionId: string): Promise<AuditEntry | undefined> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': auditKeys.pk(executionId), ':from': OWN_CHAIN.from, ':to': OWN_CHAIN.to },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = result.Items?.[0];
    return item ? toEntry(item) : undefined;
  }
}

/** Full jitter, so writers that collided do not collide again in step. */
function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 10));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}
