/**
 * The sweeper's cost per expiry against its floor, how it grows with the table, and the capacity
 * model of the sharded indexes. Runs in the bench's process on the local engines.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_INDEX_SHARDS, shardOf, type ShardedPartition } from '#adapters/dynamodb/shards';
import { requestIdFor } from '#core/request-id';
import type { Workflows } from '#ports';
import { ROLLUP_SETTLE_MARGIN_MS } from '#core/decision-rollup';
import { rollUpDecisions } from '#usecases/roll-up-decisions';
import { DEFAULT_SWEEP_CONCURRENCY, sweepExpired } from '#usecases/sweep-expired';
import { batchWrite, decidedRequest, sampleRequest, storedItems } from './lib/items.ts';
import { startBenchApp, type BenchApp } from './lib/local.ts';
import { summarize, type Summary } from './lib/stats.ts';

export interface SweeperAndShardsResult {
  readonly sweeper: {
    readonly concurrency: number;
    readonly expired: number;
    /** One conditional UpdateItem and one SendTaskSuccess, one after the other. */
    readonly floor: Summary;
    readonly small: { readonly stored: number; readonly runsMs: number[]; readonly perExpiryMs: number };
    /**
     * The rollup that later counts those expiries (timeouts are decisions) into the statistics, timed
     * apart: its cost follows the decisions made, whoever made them, not the sweep.
     */
    readonly rollup: { readonly runsMs: number[]; readonly perDecisionMs: number; readonly perDecisionRatio: number; readonly withRollupRatio: number };
    readonly large: { readonly stored: number; readonly runsMs: number[]; readonly perExpiryMs: number };
    /** Per-expiry wall time among as many requests as expire, over the floor. Target ≤ 2. */
    readonly perExpiryRatio: number;
    /** Per-expiry wall time among the large table over among the small one. Target ≤ 1.3. */
    readonly largeSmallRatio: number;
  };
  readonly capacity: CapacityModel;
}

/** Step Functions answering at once, in the sweep and in its floor alike: the figures are the sweeper's own work. */
const acceptingWorkflows: Workflows = {
  startExecution: async () => ({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:bench:x' }),
  sendTaskSuccess: async () => undefined,
  sendTaskFailure: async () => undefined,
  describeExecution: async (executionArn) => ({ executionArn, status: 'RUNNING' }),
};

const RUNS = 3;
let batch = 0;

/** Stores `count` pending requests that expired an hour ago, then times one sweeper run over them. */
async function sweepRun(bench: BenchApp, count: number): Promise<number> {
  return (await sweepAndRollUp(bench, count, false)).sweepMs;
}

/**
 * The same sweep, then (with `rollUp`) the rollup of the decisions it made, run as the sweeper's run
 * after the settle margin would: on a clock past it.
 */
async function sweepAndRollUp(bench: BenchApp, count: number, rollUp: boolean): Promise<{ sweepMs: number; rollupMs: number }> {
  const now = Date.now();
  const id = batch++;
  const items = Array.from({ length: count }, (_, i) => storedItems(sampleRequest(`shards-expired-${id}-${i}`, new Date(now - 2 * 3600_000 + i), 3600))).flat();
  await batchWrite(bench.db, bench.tableName, items);
  // The rollup of decisions into the statistics is left out: its cost follows the decisions made
  // since the last run, not the expiries (on the large table its first run counts all 95,000).
  const { rollup: _rollup, ...deps } = bench.app.deps;
  const start = performance.now();
  // No wall-time budget: the figure is the cost of all `count` expiries, on however busy a machine.
  const report = await sweepExpired({ ...deps, workflows: acceptingWorkflows }, { concurrency: DEFAULT_SWEEP_CONCURRENCY, expiryBudgetMs: 3_600_000 });
  const ms = performance.now() - start;
  if (report.timedOut !== count || report.delivered !== count) throw new Error(`the sweep timed out ${report.timedOut} and delivered ${report.delivered} of ${count}`);
  if (!rollUp || !bench.app.deps.rollup) return { sweepMs: ms, rollupMs: Number.NaN };
  const later = { now: () => new Date(Date.now() + ROLLUP_SETTLE_MARGIN_MS + 120_000) };
  const rollupStart = performance.now();
  const rolled = await rollUpDecisions({ ...bench.app.deps, rollup: bench.app.deps.rollup, clock: later });
  const rollupMs = performance.now() - rollupStart;
  if (rolled.decisions !== count) throw new Error(`the rollup counted ${rolled.decisions} of ${count} decisions`);
  return { sweepMs: ms, rollupMs };
}

/** The floor: a conditional UpdateItem that times out one pending request, then SendTaskSuccess, `samples` times in turn; ms each. */
async function floorTimes(bench: BenchApp, samples: number): Promise<number[]> {
  const now = Date.now();
  const requests = Array.from({ length: samples + 50 }, (_, i) => sampleRequest(`shards-floor-${i}`, new Date(now - 2 * 3600_000 + i), 3600));
  await batchWrite(bench.db, bench.tableName, requests.flatMap((r) => storedItems(r)));
  const times: number[] = [];
  for (const [i, request] of requests.entries()) {
    const start = performance.now();
    await bench.db.send(
      new UpdateCommand({
        TableName: bench.tableName,
        Key: { pk: `REQ#${request.id}`, sk: 'META' },
        UpdateExpression: 'SET #status = :timedOut REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk',
        ConditionExpression: '#status = :pending AND #level = :level',
        ExpressionAttributeNames: { '#status': 'status', '#level': 'level' },
        ExpressionAttributeValues: { ':timedOut': 'timed_out', ':pending': 'pending', ':level': 0 },
      }),
    );
    await acceptingWorkflows.sendTaskSuccess(`token-${request.id}`, { requestId: request.id, outcome: 'timed_out' });
    if (i >= 50) times.push(performance.now() - start);
  }
  return times;
}

async function withApp<T>(fn: (bench: BenchApp) => Promise<T>): Promise<T> {
  const bench = await startBenchApp();
  try {
    return await fn(bench);
  } finally {
    await bench.app.close();
  }
}

/** Index entries written per request from its creation to its delivery (a removed entry is a write too). */
export const INDEX_WRITES_PER_DECISION: Readonly<Record<ShardedPartition, number>> = {
  PENDING: 2, // in when created, out when decided
  DUE: 2,
  OWED: 4, // the create's follow-ups, and a decision's that outlast its delivery: in and out each
  UNDELIVERED: 2, // in when decided, out when delivered
  DECIDED: 1,
  AUDIT: 2, // the request's entry and its decision's (one execution's entries share a shard)
};
const PARTITION_WRITES_PER_SECOND = 1_000;

export interface CapacityModel {
  readonly decisionsPerSecond: number;
  readonly partitionLimit: number;
  /** Per shard count: the busiest partition's writes/s (from the real hash of 10,000 request ids). */
  readonly byShards: { readonly shards: number; readonly busiest: { readonly partition: ShardedPartition; readonly writesPerSecond: number }; readonly fits: boolean }[];
  /** The least shard count at which no partition passes the limit. */
  readonly shardsNeeded: number;
  readonly defaultShards: number;
}

/**
 * Pure arithmetic: `decisionsPerSecond` requests created and decided each second, each writing
 * INDEX_WRITES_PER_DECISION index entries, spread over N shards by the same hash the store uses
 * (one second's worth of real request ids, so the spread's unevenness counts too).
 */
export function capacityModel(decisionsPerSecond = 10_000, shardCounts = [1, 4, 8, 16, 32, 48, 64]): CapacityModel {
  const ids = Array.from({ length: decisionsPerSecond }, (_, i) => requestIdFor(`arn:aws:states:us-east-1:000000000000:execution:gate:${i}`, 'agent', 'call-1'));
  const byShards = shardCounts.map((shards) => {
    const perShard = new Array<number>(shards).fill(0);
    for (const id of ids) perShard[shardOf(id, shards)]!++;
    const fullest = Math.max(...perShard);
    const [partition, writes] = Object.entries(INDEX_WRITES_PER_DECISION).sort((a, b) => b[1] - a[1])[0]! as [ShardedPartition, number];
    const writesPerSecond = fullest * writes;
    return { shards, busiest: { partition, writesPerSecond }, fits: writesPerSecond <= PARTITION_WRITES_PER_SECOND };
  });
  return {
    decisionsPerSecond,
    partitionLimit: PARTITION_WRITES_PER_SECOND,
    byShards,
    shardsNeeded: byShards.find((b) => b.fits)?.shards ?? Number.NaN,
    defaultShards: DEFAULT_INDEX_SHARDS.count,
  };
}

/** Figure, value, target, met: printed like the bench's other rows. */
function rows(r: SweeperAndShardsResult): [string, string, string, boolean][] {
  const s = r.sweeper;
  const fit = r.capacity.byShards.find((b) => b.shards === r.capacity.shardsNeeded);
  return [
    [`sweeper per expiry (concurrency ${s.concurrency}) vs UpdateItem + SendTaskSuccess`, `${s.small.perExpiryMs.toFixed(2)} vs ${s.floor.p50.toFixed(2)} ms: ${s.perExpiryRatio.toFixed(2)}×`, '≤ 2×', s.perExpiryRatio <= 2],
    [
      'rollup into the statistics per decision (counted apart from the expiry that made it)',
      `${s.rollup.perDecisionMs.toFixed(3)} ms: ${s.rollup.perDecisionRatio.toFixed(2)}× the floor; an expiry with its rollup ${s.rollup.withRollupRatio.toFixed(2)}×`,
      'reported',
      true,
    ],
    [`sweeper per expiry, ${s.large.stored / 1000}k / ${s.small.stored / 1000}k stored`, s.largeSmallRatio.toFixed(2), '≤ 1.3', s.largeSmallRatio <= 1.3],
    [
      `busiest index partition at ${r.capacity.decisionsPerSecond.toLocaleString('en')} decisions/s, ${r.capacity.shardsNeeded} shards`,
      `${fit?.busiest.writesPerSecond ?? Number.NaN} writes/s (${fit?.busiest.partition})`,
      `≤ ${r.capacity.partitionLimit}`,
      fit?.fits ?? false,
    ],
  ];
}

/** Runs the part; returns `{ sweeperAndShards }` for bench/results.json and prints its rows. */
export async function benchSweeperAndShards(quick: boolean, log: (line: string) => void): Promise<{ sweeperAndShards: SweeperAndShardsResult }> {
  const expired = 1_000;
  const largeStored = quick ? 10_000 : 100_000;
  log(`sweeper per expiry and among ${largeStored.toLocaleString('en')} stored; index shard capacity...`);
  // Among as many requests as it expires: a fresh table per run, its floor timed in the same table
  // just before, so both see the same load of the machine.
  const smallRuns: number[] = [];
  const rollupRuns: number[] = [];
  const floorMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { sweepMs, rollupMs } = await withApp(async (bench) => {
      floorMs.push(...(await floorTimes(bench, Math.ceil((quick ? 200 : 1_000) / RUNS))));
      return sweepAndRollUp(bench, expired, true);
    });
    smallRuns.push(sweepMs);
    rollupRuns.push(rollupMs);
  }
  const floorSummary = summarize(floorMs);
  const largeRuns = await withApp(async (bench) => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < largeStored; i++) {
      const request = sampleRequest(`shards-stored-${i}`, new Date(start + i * 1000), 365 * 86_400);
      items.push(...storedItems(i % 20 === 0 ? request : decidedRequest(request, new Date(start + i * 1000 + 60_000))));
    }
    await batchWrite(bench.db, bench.tableName, items, 4);
    const runs: number[] = [];
    for (let run = 0; run < RUNS; run++) runs.push(await sweepRun(bench, expired));
    return runs;
  });
  const small = { stored: expired, runsMs: smallRuns, perExpiryMs: summarize(smallRuns).p50 / expired };
  const large = { stored: largeStored, runsMs: largeRuns, perExpiryMs: summarize(largeRuns).p50 / expired };
  const perDecisionMs = summarize(rollupRuns).p50 / expired;
  const rollup = {
    runsMs: rollupRuns,
    perDecisionMs,
    perDecisionRatio: perDecisionMs / floorSummary.p50,
    withRollupRatio: (small.perExpiryMs + perDecisionMs) / floorSummary.p50,
  };
  const result: SweeperAndShardsResult = {
    sweeper: {
      concurrency: DEFAULT_SWEEP_CONCURRENCY,
      expired,
      floor: floorSummary,
      small,
      rollup,
      large,
      perExpiryRatio: small.perExpiryMs / floorSummary.p50,
      largeSmallRatio: large.perExpiryMs / small.perExpiryMs,
    },
    capacity: capacityModel(),
  };
  for (const [figure, value, target, met] of rows(result)) log(`  ${figure}: ${value} (target ${target}: ${met ? 'met' : 'missed'})`);
  for (const b of result.capacity.byShards) log(`    ${b.shards} shards: busiest partition ${b.busiest.writesPerSecond} writes/s (${b.busiest.partition})${b.fits ? '' : ' > 1,000'}`);
  return { sweeperAndShards: result };
}
