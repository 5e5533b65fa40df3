/**
 * `npm run bench`: the figures that show the approval system stays fast as the backlog grows, and
 * what it costs. Prints a table, writes bench/results.json and docs/benchmarks.md. Everything runs
 * on this machine (dynalite, the local Step Functions engine, the local HTTP server on 127.0.0.1).
 * `npm run bench -- --quick` runs small sizes to check the harness (its figures mean nothing).
 */
import '#local/polyfills';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBundles } from './lib/bundles.ts';
import { costPer1000 } from './lib/cost.ts';
import { approvalGateTransitions, flowTransitions } from './lib/transitions.ts';
import { benchMemory } from './memory.ts';
import { benchSweeperAndShards } from './sweeper-and-shards.ts';
import type { LatencyResult } from './latency.ts';
import { buildRows, printTable, renderMarkdown, type BenchResults } from './lib/report.ts';
import type { ScaleResult } from './scale.ts';
import type { RespondPathResult } from './respond-path.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');

/** Runs a part in a fresh Node process; its progress lines go to our stderr, the handlers' logs nowhere. */
function part<T>(name: string): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'hitl-bench-'));
  const out = join(dir, 'result.json');
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'children', 'part.ts'), name, out, ...(quick ? ['quick'] : [])], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`bench part ${name} exited with ${code}`);
        resolve(JSON.parse(readFileSync(out, 'utf8')) as T);
      } catch (error) {
        reject(error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

function machine() {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    os: `${process.platform} ${release()}`,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
  };
}

/** `--render`: print the table and rewrite docs/benchmarks.md from the last bench/results.json, without running anything. */
function render(): void {
  const results = JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8')) as BenchResults;
  results.rows = buildRows(results);
  printTable(results);
  writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), renderMarkdown(results));
}

async function main(): Promise<void> {
  if (process.argv.includes('--render')) return render();
  const started = performance.now();
  const loadBefore = loadavg();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`hitl-approvals bench${quick ? ' (quick: harness check only)' : ''} on ${machine().nproc} cores, ${machine().cpu}, Node ${process.version}`);

  log('state transitions...');
  const transitions = { approvalGate: await approvalGateTransitions(), flows: (await flowTransitions()) ?? null };
  log('list pending and sweeper at 1k / 10k / 100k stored...');
  const scale = await part<ScaleResult>('scale');
  log('gate and respond latency, respond throughput, capacity...');
  const latency = await part<LatencyResult>('latency');
  const respondPath = (log('respond critical path: AWS calls and ratios to floors...'), await part<RespondPathResult>('respond-path'));
  log('Lambda bundles and cold-start init...');
  const bundles = await benchBundles(quick ? 2 : 7, log);
  log('local mode holding waiting executions...');
  const memoryCount = quick ? 1_000 : 10_000;
  const memory = { full: benchMemory(memoryCount, log), engineOnly: benchMemory(memoryCount, log, 'engine-only') };

  const approve = transitions.approvalGate.find((t) => t.outcome === 'approved')!;
  const cost = costPer1000({
    transitionsPerApproval: approve.transitions,
    gate: { localMs: latency.gate.p50, capacity: latency.capacity.gate },
    list: { localMs: latency.list.p50, capacity: latency.capacity.list },
    detail: { localMs: latency.detail.p50, capacity: latency.capacity.detail },
    respond: { localMs: latency.respond.p50, capacity: latency.capacity.respond, stepFunctionsCalls: 1 },
  });

  const results: BenchResults = {
    ranAt: new Date().toISOString(),
    quick,
    machine: { ...machine(), loadAverageBefore: loadBefore.map((x) => Number(x.toFixed(2))), loadAverageAfter: loadavg().map((x) => Number(x.toFixed(2))) },
    durationSeconds: Math.round((performance.now() - started) / 1000),
    scale,
    latency,
    ...{ respondPath },
    transitions,
    bundles,
    memory,
    cost,
    ...(await benchSweeperAndShards(quick, log)),
    rows: [],
  };
  results.rows = buildRows(results);
  printTable(results);
  if (quick) {
    log('quick run: bench/results.json and docs/benchmarks.md left unchanged');
    return;
  }
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), renderMarkdown(results));
  log(`wrote bench/results.json and docs/benchmarks.md (${results.durationSeconds} s)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
