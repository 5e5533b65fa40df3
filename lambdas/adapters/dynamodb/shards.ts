/**
 * How the busy index partitions are spread. Each sparse index partition that every request passes
 * through (`PENDING`, `DUE`, `UNDELIVERED`, `OWED`, `DECIDED`, `AUDIT`) would be one partition key,
 * and DynamoDB serves about 1,000 writes/s per partition key. So each is split into `count` shards;
 * an item's shard is a hash of its id (a request's id, an audit entry's execution), stable across
 * its states, and readers merge the shards.
 */
export interface IndexShards {
  /** Shards new index entries are written to. */
  readonly count: number;
  /**
   * Shards readers look in: at least `count`. After lowering `count`, keep this at the old value, so
   * the entries written to the higher shards stay listed. @default count
   */
  readonly readCount?: number;
}

/** Small enough that a list page costs few Queries, large enough for about 4,000 writes/s per index. */
export const DEFAULT_INDEX_SHARDS: IndexShards = { count: 4 };
/** A list page queries every shard: this bounds that fan-out. */
export const MAX_INDEX_SHARDS = 64;

/** The sharded partitions of the indexes, by name. */
export type ShardedPartition = 'PENDING' | 'DUE' | 'UNDELIVERED' | 'OWED' | 'DECIDED' | 'AUDIT';

/** FNV-1a (32 bit): cheap, stable across runtimes and versions, and spreads ids evenly. */
export function shardOf(key: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

/**
 * The partition value of shard `shard`. Shard 0 keeps the bare name, so a table written before
 * sharding (or with one shard) is shard 0 of any count: nothing to migrate.
 */
export function shardPartition(partition: ShardedPartition, shard: number): string {
  return shard === 0 ? partition : `${partition}#${shard}`;
}

/** The keys of one item's entries in the sharded partitions, and the partitions readers query. */
export class ShardLayout {
  readonly count: number;
  readonly readCount: number;

  constructor(shards: IndexShards = DEFAULT_INDEX_SHARDS) {
    const problems = shardProblems(shards);
    if (problems.length > 0) throw new Error(`invalid index shards: ${problems.join('; ')}`);
    this.count = shards.count;
    this.readCount = Math.max(shards.readCount ?? shards.count, shards.count);
  }

  /** Where the entry of `key` (a request id, an execution id) goes in `partition`. */
  partitionOf(partition: ShardedPartition, key: string): string {
    return shardPartition(partition, shardOf(key, this.count));
  }

  /** Every shard of `partition` a reader must look in. */
  partitions(partition: ShardedPartition): string[] {
    return Array.from({ length: this.readCount }, (_, shard) => shardPartition(partition, shard));
  }
}

/** What is wrong with a shard setting, every problem at once (config validation and the layout share it). */
export function shardProblems(shards: IndexShards): string[] {
  const problems: string[] = [];
  const whole = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_INDEX_SHARDS;
  if (!whole(shards.count)) problems.push(`count must be a whole number from 1 to ${MAX_INDEX_SHARDS}, not ${shards.count}`);
  if (shards.readCount !== undefined) {
    if (!whole(shards.readCount)) problems.push(`readCount must be a whole number from 1 to ${MAX_INDEX_SHARDS}, not ${shards.readCount}`);
    else if (shards.readCount < shards.count) problems.push(`readCount (${shards.readCount}) must be at least count (${shards.count}), or entries in the higher shards are never read`);
  }
  return problems;
}
