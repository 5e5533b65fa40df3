import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decidedSampleOf, withTail, type DecidedRequest, type DecidedSample, type StatsDelta, type StoredStatsRow } from '#core/decision-rollup';
import { bucketOf, DECISION_TIME_BUCKETS, type StatsSample } from '#core/decision-stats';
import type { DecisionRollup, DecisionStats, StatsReading } from '#ports';
import { sendConditionally } from './client.ts';
import { queryShards, type ShardedQuery } from './sharded-query.ts';
import { ShardLayout, type IndexShards } from './shards.ts';
import { INDEXES } from './table.ts';

export const statsKeys = {
  pk: (day: string) => `STATS#${day}`,
  sk: (sample: Pick<StatsSample, 'workflowId' | 'nodeId' | 'tool'>) => `${sample.workflowId}#${sample.nodeId}#${sample.tool}`,
  /** Where the rollup of decisions has got to; no day's partition (those are dates). */
  watermark: { pk: 'STATS#rollup', sk: 'WATERMARK' },
};

/** Named conditions, so each write says what it relies on. */
const conditions = {
  /** The item has not taken this window's counts (nor a later window's, which come after it). */
  lacksWindow: 'attribute_not_exists(rolledUpTo) OR rolledUpTo < :windowEnd',
  isBehind: 'attribute_not_exists(upTo) OR upTo < :upTo',
  doesNotExist: 'attribute_not_exists(pk)',
};

const MAX_DAYS = 366;
/** Decisions per page of the timeline. */
const PAGE = 200;
/**
 * Decisions after the watermark one reading of the statistics takes at most: ten pages. The rollup
 * keeps that tail to the settle margin and a minute or two, so only a rollup that is behind (or
 * thousands of decisions in those minutes) makes a reading partial.
 */
const MAX_TAIL = 2_000;
/** Items written side by side when a window is added. */
const WRITE_CONCURRENCY = 8;
/** What a count reads of a decided request. */
const DECIDED_FIELDS = ['workflowId', 'nodeId', 'action', 'createdAt', 'decision'];

/**
 * Statistics per day and (workflow, node, tool). Decisions are added by the rollup, a window of the
 * decided timeline at a time, each item marked with the end of the last window it took
 * (`rolledUpTo`); escalations are added one by one with atomic ADDs. Reading costs one Query per day
 * of the range plus the decisions the rollup has not reached yet, and never scans requests.
 */
export class StatsRepository implements DecisionStats, DecisionRollup {
  private readonly shards: ShardLayout;
  private readonly maxTail: number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** `maxTail`: decisions after the watermark a reading takes at most. @default 2,000 */
    options: { readonly shards?: IndexShards; readonly maxTail?: number } = {},
  ) {
    this.shards = new ShardLayout(options.shards);
    this.maxTail = options.maxTail ?? MAX_TAIL;
  }

  async record(sample: StatsSample): Promise<void> {
    const names: Record<string, string> = { '#outcome': sample.outcome };
    const values: Record<string, unknown> = { ':one': 1, ':w': sample.workflowId, ':n': sample.nodeId, ':t': sample.tool };
    let add = '#outcome :one';
    if (sample.secondsToDecision !== undefined) {
      names['#bucket'] = `b${bucketOf(sample.secondsToDecision)}`;
      add += ', #bucket :one';
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: statsKeys.pk(sample.day), sk: statsKeys.sk(sample) },
        UpdateExpression: `SET workflowId = :w, nodeId = :n, tool = :t ADD ${add}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async read(from: Date, to: Date): Promise<StatsReading> {
    // The watermark first: a rollup that moves on meanwhile only raises the items' own marks, which
    // keep the decisions it added out of the tail.
    const watermark = await this.rolledUpTo();
    const rows = await this.storedRows(from, to);
    const firstDay = from.toISOString().slice(0, 10);
    const dayAfterLast = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate() + 1)).toISOString();
    const tail: DecidedSample[] = [];
    let after: string | undefined;
    for (let taken = 0; taken < this.maxTail; ) {
      const read = await queryShards(this.db, this.decidedQuery(watermark !== undefined && watermark > firstDay ? watermark : firstDay, dayAfterLast), {
        limit: Math.min(PAGE, this.maxTail - taken),
        ...(after !== undefined ? { after } : {}),
      });
      taken += read.items.length;
      tail.push(...samplesOf(read.items));
      after = read.after;
      if (after === undefined) return { rows: withTail(rows, tail) };
    }
    return { rows: withTail(rows, tail), partialAfter: after!.slice(0, after!.indexOf('#')) };
  }

  async rolledUpTo(): Promise<string | undefined> {
    return this.watermark();
  }

  async watermark(): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: statsKeys.watermark, ConsistentRead: true }));
    return result.Item?.upTo as string | undefined;
  }

  async start(at: string): Promise<void> {
    await sendConditionally(
      this.db,
      new PutCommand({ TableName: this.tableName, Item: { ...statsKeys.watermark, upTo: at }, ConditionExpression: conditions.doesNotExist }),
    );
  }

  async oldestDecision(): Promise<string | undefined> {
    const page = await queryShards(this.db, { ...this.decidedQuery('0000', '9999'), projection: [] }, { limit: 1 });
    const first = page.items[0];
    return first ? String(first[INDEXES.timeline.sk]).split('#')[0] : undefined;
  }

  async hasDecisionCounts(day: string): Promise<boolean> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'approved > :zero OR rejected > :zero OR timed_out > :zero',
        ExpressionAttributeValues: { ':pk': statsKeys.pk(day), ':zero': 0 },
        ProjectionExpression: 'pk',
      }),
    );
    // A day's items are a few hundred bytes each: one page holds them all but for huge deployments,
    // whose days with counts show up in the first page anyway.
    return (result.Items ?? []).length > 0;
  }

  async *decided(from: string, to: string): AsyncIterable<DecidedSample> {
    let after: string | undefined;
    do {
      // Sort keys are `${decidedAt}#${id}`: from `from` on, and before `to` (its own key sorts first).
      const page = await queryShards(this.db, this.decidedQuery(from, to), { limit: PAGE, ...(after !== undefined ? { after } : {}) });
      yield* samplesOf(page.items);
      after = page.after;
    } while (after !== undefined);
  }

  async add(windowEnd: string, deltas: readonly StatsDelta[]): Promise<void> {
    for (let start = 0; start < deltas.length; start += WRITE_CONCURRENCY) {
      await Promise.all(deltas.slice(start, start + WRITE_CONCURRENCY).map((delta) => this.addOnce(windowEnd, delta)));
    }
  }

  async advance(to: string): Promise<boolean> {
    return sendConditionally(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: statsKeys.watermark,
        UpdateExpression: 'SET upTo = :upTo',
        ConditionExpression: conditions.isBehind,
        ExpressionAttributeValues: { ':upTo': to },
      }),
    );
  }

  /** One window's counts added to one item, unless it has them (a repeat finds its condition false). */
  private async addOnce(windowEnd: string, delta: StatsDelta): Promise<void> {
    const all: [string, number][] = [
      ['approved', delta.approved],
      ['rejected', delta.rejected],
      ['timed_out', delta.timed_out],
      ['escalated', delta.escalated],
      ...delta.histogram.map((n, i): [string, number] => [`b${i}`, n]),
    ];
    const counts = all.filter(([, n]) => n > 0);
    const names = Object.fromEntries(counts.map(([name], i) => [`#c${i}`, name]));
    const values: Record<string, unknown> = { ':w': delta.workflowId, ':n': delta.nodeId, ':t': delta.tool, ':windowEnd': windowEnd };
    counts.forEach(([, n], i) => (values[`:c${i}`] = n));
    await sendConditionally(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: statsKeys.pk(delta.day), sk: statsKeys.sk(delta) },
        UpdateExpression: `SET workflowId = :w, nodeId = :n, tool = :t, rolledUpTo = :windowEnd${counts.length ? ` ADD ${counts.map((_, i) => `#c${i} :c${i}`).join(', ')}` : ''}`,
        ConditionExpression: conditions.lacksWindow,
        ...(counts.length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
      }),
    );
  }

  private decidedQuery(from: string, to: string): ShardedQuery {
    return {
      tableName: this.tableName,
      indexName: INDEXES.timeline.name,
      partitionAttribute: INDEXES.timeline.pk,
      sortAttribute: INDEXES.timeline.sk,
      partitions: this.shards.partitions('DECIDED'),
      order: 'ascending',
      range: { from, to },
      projection: DECIDED_FIELDS,
    };
  }

  private async storedRows(from: Date, to: Date): Promise<StoredStatsRow[]> {
    const rows: StoredStatsRow[] = [];
    const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
    for (let n = 0; day <= to && n < MAX_DAYS; n++, day.setUTCDate(day.getUTCDate() + 1)) {
      const dayKey = day.toISOString().slice(0, 10);
      let startKey: Record<string, unknown> | undefined;
      do {
        const result = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': statsKeys.pk(dayKey) },
            // The items' marks must be at least as new as the watermark read before them.
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of result.Items ?? []) {
          rows.push({
            day: dayKey,
            workflowId: String(item.workflowId),
            nodeId: String(item.nodeId),
            tool: String(item.tool),
            approved: Number(item.approved ?? 0),
            rejected: Number(item.rejected ?? 0),
            timed_out: Number(item.timed_out ?? 0),
            escalated: Number(item.escalated ?? 0),
            histogram: DECISION_TIME_BUCKETS.map((_, i) => Number(item[`b${i}`] ?? 0)),
            ...(item.rolledUpTo !== undefined ? { rolledUpTo: String(item.rolledUpTo) } : {}),
          });
        }
        startKey = result.LastEvaluatedKey;
      } while (startKey);
    }
    return rows;
  }
}

function samplesOf(items: readonly Record<string, unknown>[]): DecidedSample[] {
  // Every entry of the decided partitions is a decided request; one without its decision is skipped.
  return items.flatMap((item) => (item.decision !== undefined ? [decidedSampleOf(item as unknown as DecidedRequest)] : [])).filter((sample) => sample !== undefined);
}
