import type { BenchPart, Figure } from '../lib/figure.ts';
import { benchSweeperAndShards, type SweeperAndShardsResult } from '../sweeper-and-shards.ts';

const PER_EXPIRY = 'sweeper per expiry ratio to its floor (one conditional UpdateItem + one SendTaskSuccess)';

/** The sweeper per expiry against its floor, with the table's size, and the sharded indexes' capacity model (bench/sweeper-and-shards.ts). */
export const sweeperAndShardsPart: BenchPart = {
  id: 'sweeper-and-shards',
  title: 'Sweeper and index shards',
  async run({ quick, log }) {
    const { sweeperAndShards } = await benchSweeperAndShards(quick, log);
    return {
      figures: sweeperAndShardsFigures(sweeperAndShards),
      raw: sweeperAndShards,
      meaning:
        'The sweeper expires 1,000 due requests with bounded concurrency among as many requests and among a large table. Each expiry is one conditional write that decides it, then its audit entry and, after SendTaskSuccess, one write that records the delivery and marks the entry done; a batch of 100 due requests is read in one BatchGetItem. A timeout is counted into the statistics later, with every other decision, by the rollup over the decided timeline; its cost per decision is timed apart, on the same 1,000 decisions, and shown added to the cost of an expiry as well. The floor is one conditional UpdateItem and one SendTaskSuccess one after the other, timed in the same table just before each run. The capacity model applies the shard hash to request ids arriving at 10,000 decisions/s and counts the writes each index partition takes.',
      misses: {
        [PER_EXPIRY]:
          'One expiry makes three writes against the floor\'s one: the timeout write, its audit entry (an item of the request\'s chain) and the delivered mark, which also marks the entry done. Profiled with --cpu-prof, nearly all the time is dynalite and the SDK serving those calls, in the same process, so concurrency overlaps nothing here and the ratio follows the number of writes; on AWS the calls wait on the network and 16 in flight overlap (README, "Timeouts and escalation", shows the arithmetic). Closing it locally needs fewer items written per expiry; the audit entry is its own item so that the chain stays append-only (a conditional put), which a batch write cannot do.',
      },
    };
  },
};

export function sweeperAndShardsFigures(r: SweeperAndShardsResult): Figure[] {
  const s = r.sweeper;
  const fit = r.capacity.byShards.find((b) => b.shards === r.capacity.shardsNeeded);
  return [
    {
      name: PER_EXPIRY,
      value: Number(s.perExpiryRatio.toFixed(2)),
      unit: '×',
      detail: `${s.small.perExpiryMs.toFixed(2)} ms per expiry at concurrency ${s.concurrency}, floor ${s.floor.p50.toFixed(2)} ms`,
      target: '≤ 2×',
      met: s.perExpiryRatio <= 2,
    },
    {
      name: 'rollup into the statistics per decision, ratio to the sweeper floor',
      value: Number(s.rollup.perDecisionRatio.toFixed(3)),
      unit: '×',
      detail: `${s.rollup.perDecisionMs.toFixed(3)} ms per decision; an expiry with its rollup ${s.rollup.withRollupRatio.toFixed(2)}× the floor`,
    },
    { name: `sweeper per expiry ratio, ${s.large.stored / 1000}k / ${s.small.stored / 1000}k stored`, value: Number(s.largeSmallRatio.toFixed(2)), unit: '×', target: '≤ 1.3×', met: s.largeSmallRatio <= 1.3 },
    {
      name: `busiest index partition at ${r.capacity.decisionsPerSecond.toLocaleString('en')} decisions/s with ${r.capacity.shardsNeeded} shards`,
      value: fit?.busiest.writesPerSecond ?? Number.NaN,
      unit: '/s',
      detail: fit?.busiest.partition ?? '',
      target: `≤ ${r.capacity.partitionLimit.toLocaleString('en')}/s`,
      met: fit?.fits ?? false,
    },
  ];
}
