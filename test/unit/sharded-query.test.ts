import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstReadPerShard, queryShards, type ShardedQuery } from '#adapters/dynamodb/sharded-query';
import { shardOf } from '#adapters/dynamodb/shards';

interface Entry {
  readonly gpk: string;
  readonly gsk: string;
  readonly keep: boolean;
}

/**
 * A sparse index in memory that answers QueryCommands as DynamoDB does: a key condition on the
 * partition and an inclusive range on the sort key, Limit counted before the filter, and a
 * LastEvaluatedKey whenever Limit items were evaluated. It counts the Queries and the items read.
 */
function fakeIndex(entries: readonly Entry[]) {
  const reads = { queries: 0, items: 0 };
  const db = {
    send: async (command: { input: Record<string, any> }) => {
      const input = command.input;
      const values = input.ExpressionAttributeValues as Record<string, unknown>;
      const ascending = input.ScanIndexForward !== false;
      let rows = entries
        .filter((e) => e.gpk === values[':shardPk'])
        .filter((e) => (values[':low'] === undefined || e.gsk >= String(values[':low'])) && (values[':high'] === undefined || e.gsk <= String(values[':high'])))
        .sort((a, b) => (a.gsk < b.gsk ? -1 : 1));
      if (!ascending) rows.reverse();
      const start = input.ExclusiveStartKey as Entry | undefined;
      if (start) rows = rows.slice(rows.findIndex((e) => e.gsk === start.gsk) + 1);
      const evaluated = rows.slice(0, input.Limit as number);
      reads.queries++;
      reads.items += evaluated.length;
      const items = input.FilterExpression ? evaluated.filter((e) => e.keep === values[':yes']) : evaluated;
      const last = evaluated.length === input.Limit ? evaluated.at(-1) : undefined;
      return { Items: items.map((e) => ({ ...e })), ...(last ? { LastEvaluatedKey: { gpk: last.gpk, gsk: last.gsk } } : {}) };
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, reads };
}

const partitionsOf = (shards: number) => Array.from({ length: shards }, (_, i) => (i === 0 ? 'P' : `P#${i}`));

function listQuery(shards: number, order: 'ascending' | 'descending', filtered: boolean): ShardedQuery {
  return {
    tableName: 'table',
    indexName: 'index',
    partitionAttribute: 'gpk',
    sortAttribute: 'gsk',
    partitions: partitionsOf(shards),
    order,
    ...(filtered ? { filter: { expression: 'keep = :yes', values: { ':yes': true } } } : {}),
  };
}

/** `count` entries, one a second with ties every third, each in the shard `shardFor` picks for its id. */
function entriesOf(count: number, shards: number, shardFor: (id: string, i: number) => number, keep: (i: number) => boolean = () => true): Entry[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `apr_${i.toString(36)}`;
    const shard = shardFor(id, i) % shards;
    const time = new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 1000).toISOString();
    return { gpk: partitionsOf(shards)[shard]!, gsk: `${time}#${id}`, keep: keep(i) };
  });
}

/** Every page, following `after`; checks each page's length against its limit. */
async function pageThrough(db: DynamoDBDocumentClient, query: ShardedQuery, sizes: readonly number[]) {
  const pages: string[][] = [];
  let after: string | undefined;
  do {
    const limit = sizes[pages.length % sizes.length]!;
    const page = await queryShards(db, query, { limit, ...(after !== undefined ? { after } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    pages.push(page.items.map((item) => String(item.gsk)));
    after = page.after;
  } while (after !== undefined && pages.length < 2_000);
  expect(after, 'the list ends').toBeUndefined();
  return pages;
}

describe('a list merged across index shards', () => {
  it('pages every entry once, in order, for any page size, shard count and spread, however small each shard\'s first read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          shards: fc.integer({ min: 1, max: 8 }),
          count: fc.integer({ min: 0, max: 150 }),
          // even: by the id's hash; skewed: all in one shard; lopsided: most in one, a few elsewhere.
          spread: fc.constantFrom('even', 'skewed', 'lopsided'),
          hot: fc.integer({ min: 0, max: 7 }),
          sizes: fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 4 }),
          order: fc.constantFrom('ascending' as const, 'descending' as const),
          filtered: fc.boolean(),
        }),
        async ({ shards, count, spread, hot, sizes, order, filtered }) => {
          // Prepare
          const shardFor = (id: string, i: number) => (spread === 'even' ? shardOf(id, shards) : spread === 'skewed' || i % 10 !== 0 ? hot : shardOf(id, shards));
          const entries = entriesOf(count, shards, shardFor, (i) => !filtered || i % 3 !== 1);
          const { db } = fakeIndex(entries);
          // Act
          const pages = await pageThrough(db, listQuery(shards, order, filtered), sizes);
          // Assess: exactly the entries the filter keeps, each once, in the list's order
          const expected = entries.filter((e) => e.keep).map((e) => e.gsk).sort();
          if (order === 'descending') expected.reverse();
          expect(pages.flat()).toEqual(expected);
          // Without a filter every page but the last is full.
          if (!filtered) pages.slice(0, -1).forEach((page, i) => expect(page.length).toBe(sizes[i % sizes.length]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads each shard for about its share of a page, not a whole page per shard', async () => {
    // Prepare: 4 shards, ids spread by their hash, as the pending list holds them
    const entries = entriesOf(5_000, 4, (id) => shardOf(id, 4));
    const { db, reads } = fakeIndex(entries);
    // Act: 50 pages of 50, newest first
    let after: string | undefined;
    for (let page = 0; page < 50; page++) after = (await queryShards(db, listQuery(4, 'descending', false), { limit: 50, ...(after ? { after } : {}) })).after;
    // Assess: one Query per shard for nearly every page, and about a page and a half of items read per page
    expect(firstReadPerShard(50, 4)).toBe(19);
    expect(reads.queries / 50).toBeLessThan(4.2);
    expect(reads.items / 50).toBeLessThan(1.6 * 50);
  });

  it('reads on only the shard that holds the page when the others are empty', async () => {
    // Prepare: every entry in shard 2 of 4
    const { db, reads } = fakeIndex(entriesOf(500, 4, () => 2));
    // Act
    const page = await queryShards(db, listQuery(4, 'descending', false), { limit: 50 });
    // Assess: the first round, then one more Query of that shard for the rest of the page
    expect(page.items).toHaveLength(50);
    expect(reads.queries).toBe(5);
    expect(reads.items).toBe(50);
  });
});
