import type { Workflows } from '#ports';
import { sweepExpired } from '#usecases/sweep-expired';
import { batchWrite, checkItemFormat, decidedRequest, sampleRequest, storedItems } from './lib/items.ts';
import { HttpClient } from './lib/http-client.ts';
import { startListFloor } from './lib/list-floor.ts';
import { APPROVER_HEADERS, startBenchApp, type BenchApp } from './lib/local.ts';
import { summarize, timeEach, type Summary } from './lib/stats.ts';

export interface ListSize {
  readonly stored: number;
  readonly pending: number;
  readonly latency: Summary;
  readonly loadSeconds: number;
  /** Bytes of one page's response body. */
  readonly pageBytes?: number;
  /** The floor at the same size: one Query page of 50 on the pending index behind a bare HTTP server. */
  readonly floor?: Summary;
}

export interface SweepSize {
  readonly stored: number;
  readonly expired: number;
  /** Wall time of each sweep run, ms; the figure is their median. */
  readonly runsMs: number[];
  readonly medianMs: number;
}

export interface ScaleResult {
  readonly list: { readonly sizes: ListSize[]; readonly ratio: number; /** p50 list / p50 floor at the largest size. */ readonly floorRatio?: number };
  readonly sweep: { readonly sizes: SweepSize[]; readonly ratio: number };
}

const DECIDED_SHARE = 0.95;
const SWEEP_RUNS = 3;
const EXPIRED = 1_000;

/** Step Functions answering SendTaskSuccess at once: the sweep figure is the sweeper's own reads and writes. */
const acceptingWorkflows: Workflows = {
  startExecution: async () => ({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:bench:x' }),
  sendTaskSuccess: async () => undefined,
  sendTaskFailure: async () => undefined,
  describeExecution: async (executionArn) => ({ executionArn, status: 'RUNNING' }),
};

let expiredBatch = 0;

/** Stores `count` pending requests that expired an hour ago, then times one sweeper run over them. */
async function sweepRun(bench: BenchApp, count: number): Promise<number> {
  const now = Date.now();
  const batch = expiredBatch++;
  const items = Array.from({ length: count }, (_, i) => storedItems(sampleRequest(`expired-${batch}-${i}`, new Date(now - 2 * 3600_000 + i), 3600))).flat();
  await batchWrite(bench.db, bench.tableName, items);
  // Without the rollup of decisions into the statistics, whose cost follows the decisions made since
  // the last run, not the expiries (the stored table's first run would count all its decisions).
  const { rollup: _rollup, ...deps } = bench.app.deps;
  const start = performance.now();
  const report = await sweepExpired({ ...deps, workflows: acceptingWorkflows });
  const ms = performance.now() - start;
  if (report.timedOut !== count || report.delivered !== count) throw new Error(`the sweep timed out ${report.timedOut} and delivered ${report.delivered} of ${count}`);
  return ms;
}

async function sweepSize(bench: BenchApp, stored: number): Promise<SweepSize> {
  const runsMs: number[] = [];
  for (let run = 0; run < SWEEP_RUNS; run++) runsMs.push(await sweepRun(bench, EXPIRED));
  return { stored, expired: EXPIRED, runsMs, medianMs: summarize(runsMs).p50 };
}

/**
 * How cost grows with the backlog: GET /approvals?limit=50 through the local HTTP server with 1k,
 * 10k and 100k requests stored (95% decided), and one sweeper run over 1k expired requests among 1k
 * and among 100k. The table grows in place; every item is written with BatchWrite exactly as the
 * request repository stores it (checked first by `checkItemFormat`).
 */
export async function benchScale(options: { sizes?: number[]; samples?: number } = {}, log = console.log): Promise<ScaleResult> {
  const sizes = options.sizes ?? [1_000, 10_000, 100_000];
  const samples = options.samples ?? 500;

  // The sweep among as many requests as it expires: a fresh table per run.
  const small: number[] = [];
  for (let run = 0; run < SWEEP_RUNS; run++) {
    const bench = await startBenchApp();
    try {
      small.push(await sweepRun(bench, EXPIRED));
    } finally {
      await bench.app.close();
    }
  }
  const sweepSizes: SweepSize[] = [{ stored: EXPIRED, expired: EXPIRED, runsMs: small, medianMs: summarize(small).p50 }];
  log(`  sweep: ${EXPIRED} expired among ${EXPIRED}: median ${sweepSizes[0].medianMs.toFixed(0)} ms`);

  const bench = await startBenchApp();
  const client = new HttpClient(bench.app.url, 1);
  const floorServer = await startListFloor(bench.db, bench.tableName);
  const floorClient = new HttpClient(floorServer.url, 1);
  try {
    await checkItemFormat(bench.db, bench.tableName);
    const listSizes: ListSize[] = [];
    let stored = 0;
    let pending = 0;
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (const size of sizes) {
      const loadStart = performance.now();
      const items: Record<string, unknown>[] = [];
      for (let i = stored; i < size; i++) {
        const request = sampleRequest(`bench-${i}`, new Date(start + i * 1000), 365 * 86_400);
        // Every 20th request (5%) is still pending, spread evenly over the table's history.
        const isPending = i % Math.round(1 / (1 - DECIDED_SHARE)) === 0;
        items.push(...storedItems(isPending ? request : decidedRequest(request, new Date(start + i * 1000 + 60_000))));
        if (isPending) pending++;
      }
      await batchWrite(bench.db, bench.tableName, items, 4);
      stored = size;
      const loadSeconds = (performance.now() - loadStart) / 1000;
      let pageBytes = 0;
      const list = async () => {
        const res = await client.send('GET', '/approvals?limit=50', APPROVER_HEADERS);
        if (res.status !== 200) throw new Error(`GET /approvals answered ${res.status}: ${res.text.slice(0, 200)}`);
        const count = (JSON.parse(res.text) as { items: unknown[] }).items.length;
        if (count !== Math.min(50, pending)) throw new Error(`GET /approvals returned ${count} items, expected ${Math.min(50, pending)}`);
        pageBytes = Buffer.byteLength(res.text);
      };
      const floorPage = async () => {
        const res = await floorClient.send('GET', '/', {});
        if (res.status !== 200) throw new Error(`the list floor answered ${res.status}: ${res.text.slice(0, 200)}`);
      };
      await timeEach(100, list);
      await timeEach(100, floorPage);
      // List and floor alternate in blocks, so drift (GC, other processes) hits both alike.
      const listMs: number[] = [];
      const floorMs: number[] = [];
      for (let block = 0; block < 10; block++) {
        listMs.push(...(await timeEach(Math.ceil(samples / 10), list)));
        floorMs.push(...(await timeEach(Math.ceil(samples / 10), floorPage)));
      }
      const latency = summarize(listMs);
      const floor = summarize(floorMs);
      listSizes.push({ stored, pending, latency, loadSeconds, pageBytes, floor });
      log(`  list pending: ${stored} stored (${pending} pending), loaded in ${loadSeconds.toFixed(1)} s: p50 ${latency.p50.toFixed(2)} ms (floor ${floor.p50.toFixed(2)} ms), p99 ${latency.p99.toFixed(2)} ms, page ${(pageBytes / 1024).toFixed(1)} KB`);
    }
    const large = await sweepSize(bench, stored);
    sweepSizes.push(large);
    log(`  sweep: ${EXPIRED} expired among ${stored}: median ${large.medianMs.toFixed(0)} ms`);
    return {
      list: { sizes: listSizes, ratio: listSizes.at(-1)!.latency.p50 / listSizes[0].latency.p50, floorRatio: listSizes.at(-1)!.latency.p50 / listSizes.at(-1)!.floor!.p50 },
      sweep: { sizes: sweepSizes, ratio: large.medianMs / sweepSizes[0].medianMs },
    };
  } finally {
    client.close();
    floorClient.close();
    await floorServer.close();
    await bench.app.close();
  }
}
