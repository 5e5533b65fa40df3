import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One sparse-index partition split into shards, read as one list ordered by its sort key. */
export interface ShardedQuery {
  readonly tableName: string;
  readonly indexName: string;
  readonly partitionAttribute: string;
  readonly sortAttribute: string;
  /** The partition value of every shard to read. */
  readonly partitions: readonly string[];
  /** `descending`: newest first (sort keys start with a time). */
  readonly order: 'ascending' | 'descending';
  /** Inclusive bounds on the sort key. */
  readonly range?: { readonly from?: string; readonly to?: string };
  readonly filter?: { readonly expression: string; readonly names?: Record<string, string>; readonly values?: Record<string, unknown> };
  /** Attributes to read; the sort key is added. @default everything the index holds */
  readonly projection?: readonly string[];
}

export interface MergedPage {
  /** In the list's order, each with its sort key attribute. */
  readonly items: Record<string, unknown>[];
  /** The sort key the next page starts after; absent when the list is done. */
  readonly after?: string;
}

/**
 * A DynamoDB page stops short of its Limit only at the 1 MB cap or through a filter, and a shard
 * that holds more than its share of a page needs one more read; this bounds the Queries one list
 * page may take before it hands back a short page and a position.
 */
const MAX_ROUNDS = 10;

interface Shard {
  readonly partition: string;
  readonly items: Record<string, unknown>[];
  startKey?: Record<string, unknown>;
  /** Sort key up to which this shard has been read; undefined once it is read to its end. */
  frontier?: string;
  done: boolean;
}

/**
 * What each shard is asked for first. Ids spread evenly over the shards, so a shard holds about
 * limit/N of a page, give or take a standard deviation of the binomial count. A second read is one
 * more round trip after the first, while a few more items in the first cost next to nothing on
 * AWS, so each shard is read for one and a half deviations and one item more than its share: 19 of
 * each of 4 shards for a page of 50, and a second read for about one page in twenty-five.
 */
export function firstReadPerShard(limit: number, shards: number): number {
  if (shards <= 1) return limit;
  const share = limit / shards;
  return Math.min(limit, Math.ceil(share + 1.5 * Math.sqrt(share * (1 - 1 / shards))) + 1);
}

/**
 * Reads one page of a sharded list: a k-way merge of the shards' Queries, run side by side. Each
 * shard is first read for about its share of the page (see firstReadPerShard). The merge is right
 * up to the newest frontier of a shard that has more: any item of that shard comes after its
 * frontier. So while a shard that has more stops before the page's last item, only that shard is
 * read again, for at most what it can still add to the page. The position of the next page is a
 * single sort key (sort keys end in an id, so they are unique across shards): every shard resumes
 * after it, whatever the shard count, with no repeats and no gaps.
 */
export async function queryShards(db: DynamoDBDocumentClient, query: ShardedQuery, page: { readonly limit: number; readonly after?: string }): Promise<MergedPage> {
  const descending = query.order === 'descending';
  const sortOf = (item: Record<string, unknown>) => String(item[query.sortAttribute]);
  /** True when sort key a comes before b in the list's order. */
  const before = (a: string, b: string) => (descending ? a > b : a < b);
  const bounds = boundsOf(query, page.after, descending);
  const shards: Shard[] = query.partitions.map((partition) => ({ partition, items: [], done: bounds === 'empty' }));

  const read = async (shard: Shard, limit: number) => {
    const result = await db.send(new QueryCommand({ ...request(query, shard.partition, bounds === 'empty' ? {} : bounds, descending), Limit: limit, ExclusiveStartKey: shard.startKey }));
    // The item the position names was on the previous page (bounds are inclusive).
    shard.items.push(...(result.Items ?? []).filter((item) => sortOf(item) !== page.after));
    shard.startKey = result.LastEvaluatedKey;
    shard.done = !shard.startKey;
    shard.frontier = shard.startKey ? String(shard.startKey[query.sortAttribute]) : undefined;
  };
  const merged = () => shards.flatMap((s) => s.items).sort((a, b) => (before(sortOf(a), sortOf(b)) ? -1 : 1));
  /** The open shards that stop before the page's last item, each with what it may still add to the page. */
  const shortOf = (items: readonly Record<string, unknown>[]) => {
    const last = items.length >= page.limit ? sortOf(items[page.limit - 1]!) : undefined;
    return shards
      .filter((s) => !s.done && (last === undefined || before(s.frontier!, last)))
      .map((shard) => ({ shard, room: page.limit - items.filter((item) => !before(shard.frontier!, sortOf(item))).length }));
  };

  const first = firstReadPerShard(page.limit, shards.length);
  await Promise.all(shards.filter((s) => !s.done).map((s) => read(s, first)));
  for (let round = 1; round < MAX_ROUNDS; round++) {
    const short = shortOf(merged());
    if (short.length === 0) break;
    // A filter drops items after Limit counts them: a filtered shard is read for no less than at first.
    await Promise.all(short.map(({ shard, room }) => read(shard, query.filter ? Math.max(room, first) : Math.max(1, room))));
  }

  // Handed out: items up to the newest frontier of a shard that has more (all of them, when the
  // rounds above completed the page), so no item of another shard can fall between two of them.
  const cutoff = shards.filter((s) => !s.done).reduce<string | undefined>((newest, s) => (newest === undefined || before(s.frontier!, newest) ? s.frontier : newest), undefined);
  const eligible = merged().filter((item) => cutoff === undefined || !before(cutoff, sortOf(item)));
  const items = eligible.slice(0, page.limit);
  if (items.length === page.limit && (eligible.length > page.limit || cutoff !== undefined)) return { items, after: sortOf(items.at(-1)!) };
  // A short page: the shards are read to their end, or to where the rounds stopped.
  return cutoff !== undefined ? { items, after: cutoff } : { items };
}

type Bounds = { readonly low?: string; readonly high?: string };

/** The inclusive sort-key bounds of a page: the query's range, narrowed to what follows `after`. */
function boundsOf(query: ShardedQuery, after: string | undefined, descending: boolean): Bounds | 'empty' {
  let low = query.range?.from;
  let high = query.range?.to;
  if (after !== undefined) {
    if (descending) high = high === undefined || after < high ? after : high;
    else low = low === undefined || after > low ? after : low;
  }
  if (low !== undefined && high !== undefined && low > high) return 'empty';
  return { ...(low !== undefined ? { low } : {}), ...(high !== undefined ? { high } : {}) };
}

function request(query: ShardedQuery, partition: string, bounds: Bounds, descending: boolean) {
  const names: Record<string, string> = { '#shardPk': query.partitionAttribute, ...query.filter?.names };
  const values: Record<string, unknown> = { ':shardPk': partition, ...query.filter?.values };
  let range = '';
  if (bounds.low !== undefined && bounds.high !== undefined) range = ' AND #shardSk BETWEEN :low AND :high';
  else if (bounds.low !== undefined) range = ' AND #shardSk >= :low';
  else if (bounds.high !== undefined) range = ' AND #shardSk <= :high';
  if (bounds.low !== undefined) values[':low'] = bounds.low;
  if (bounds.high !== undefined) values[':high'] = bounds.high;
  if (range) names['#shardSk'] = query.sortAttribute;
  let projection: string | undefined;
  if (query.projection) {
    const fields = [...new Set([...query.projection, query.sortAttribute])];
    fields.forEach((field, i) => (names[`#sp${i}`] = field));
    projection = fields.map((_, i) => `#sp${i}`).join(', ');
  }
  return {
    TableName: query.tableName,
    IndexName: query.indexName,
    KeyConditionExpression: `#shardPk = :shardPk${range}`,
    ScanIndexForward: !descending,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ...(query.filter ? { FilterExpression: query.filter.expression } : {}),
    ...(projection ? { ProjectionExpression: projection } : {}),
  };
}
