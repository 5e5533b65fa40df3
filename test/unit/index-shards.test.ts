import { describe, expect, it } from 'vitest';
import { shardOf, ShardLayout, shardPartition, shardProblems } from '#adapters/dynamodb/shards';

describe('index shards', () => {
  it('keeps the shard of an id fixed: entries already written must stay where readers look', () => {
    // A changed hash would strand every entry written before the change, so its values are pinned.
    // FNV-1a 32: the offset basis for '', 0xe40c292c for 'a'.
    expect([shardOf('', 7), shardOf('a', 7), shardOf('apr_a', 16), shardOf('apr_b', 16)]).toEqual([0x811c9dc5 % 7, 0xe40c292c % 7, 2, 15]);
  });

  it('spreads ids evenly and keeps shard 0 under the bare name, so an unsharded table is shard 0', () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8_000; i++) counts[shardOf(`apr_${i.toString(36)}`, 8)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1_200);
    expect([shardPartition('PENDING', 0), shardPartition('PENDING', 3), shardPartition('OWED', 1)]).toEqual(['PENDING', 'PENDING#3', 'OWED#1']);
    expect(new ShardLayout({ count: 1 }).partitionOf('DECIDED', 'apr_anything')).toBe('DECIDED');
  });

  it('writes to the configured shards and reads those of the read count too', () => {
    const layout = new ShardLayout({ count: 2, readCount: 4 });
    expect(layout.partitions('DUE')).toEqual(['DUE', 'DUE#1', 'DUE#2', 'DUE#3']);
    expect(['DUE', 'DUE#1']).toContain(layout.partitionOf('DUE', 'apr_x'));
  });

  it('names every problem with a shard setting at once', () => {
    expect(shardProblems({ count: 0, readCount: 65 })).toEqual([expect.stringMatching(/^count must be/), expect.stringMatching(/^readCount must be/)]);
    expect(shardProblems({ count: 8, readCount: 4 })).toEqual([expect.stringContaining('readCount (4) must be at least count (8)')]);
    expect(() => new ShardLayout({ count: 2.5 })).toThrow(/count must be a whole number/);
  });
});
