/**
 * `npm run bench`: the figures that show the approval system stays fast as the backlog grows, starts
 * fast on Lambda, and what it costs. Runs every part in `PARTS`, prints each figure with its target,
 * writes bench/results.json and regenerates docs/benchmarks.md from it.
 *
 *   npm run bench                        every part
 *   npm run bench -- --only cold-start   the named parts (comma-separated ids); the others keep their last results
 *   npm run bench -- --quick             small sizes to check the harness (figures mean nothing; nothing is written)
 *   npm run bench -- --render            rewrite docs/benchmarks.md from bench/results.json, measuring nothing
 *   npm run bench -- --list              the part ids
 *
 * A part is a `BenchPart` (bench/lib/figure.ts): an id, a title and `run(context)` returning
 * figures `{ name, value, unit, target?, met? }`. Adding one is one line in `PARTS`.
 */
import '#local/polyfills';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coldStartPart } from './cold-start.ts';
import type { BenchPart, StoredPart } from './lib/figure.ts';
import { printTable, renderMarkdown, type BenchResults } from './lib/report.ts';
import { costPart } from './parts/cost.ts';
import { latencyPart } from './parts/latency.ts';
import { listAndSweepPart } from './parts/list-and-sweep.ts';
import { memoryPart } from './parts/memory.ts';
import { respondPathPart } from './parts/respond-path.ts';
import { sweeperAndShardsPart } from './parts/sweeper-and-shards.ts';
import { transitionsPart } from './parts/transitions.ts';

/** The parts, in the order they run and appear in docs/benchmarks.md. Later parts may read earlier ones (cost reads transitions and latency). */
const PARTS: BenchPart[] = [
  transitionsPart,
  listAndSweepPart,
  latencyPart,
  respondPathPart,
  sweeperAndShardsPart,
  coldStartPart,
  memoryPart,
  costPart,
];

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results.json');
const DOC = join(ROOT, 'docs', 'benchmarks.md');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}

function machine(loadBefore: number[]) {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    os: `${process.platform} ${release()}`,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    loadAverageBefore: loadBefore.map((x) => Number(x.toFixed(2))),
    loadAverageAfter: loadavg().map((x) => Number(x.toFixed(2))),
  };
}

/** The stored results, when they have this runner's shape (results from before it are ignored). */
function storedResults(): BenchResults | undefined {
  if (!existsSync(RESULTS)) return undefined;
  const stored = JSON.parse(readFileSync(RESULTS, 'utf8')) as Partial<BenchResults>;
  return stored.parts && stored.machine ? (stored as BenchResults) : undefined;
}

const allIds = () => PARTS.map((part) => part.id);

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (process.argv.includes('--list')) {
    console.log(allIds().join('\n'));
    return;
  }
  if (process.argv.includes('--render')) {
    const results = storedResults();
    if (!results) throw new Error('bench/results.json has no parts: run the bench first');
    printTable(results, allIds());
    writeFileSync(DOC, renderMarkdown(results, allIds()));
    return;
  }
  const quick = process.argv.includes('--quick');
  const only = option('--only')?.split(',').map((id) => id.trim()).filter(Boolean);
  const unknown = (only ?? []).filter((id) => !allIds().includes(id));
  if (unknown.length) throw new Error(`no bench part ${unknown.join(', ')}; the parts are ${allIds().join(', ')}`);
  const selected = PARTS.filter((part) => !only || only.includes(part.id));

  const started = performance.now();
  const loadBefore = loadavg();
  const previous = storedResults();
  const parts: Record<string, StoredPart> = { ...(previous?.parts ?? {}) };
  log(`hitl-approvals bench${quick ? ' (quick: harness check only)' : ''} on ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}: ${selected.map((p) => p.id).join(', ')}`);
  for (const part of selected) {
    log(`${part.id}: ${part.title}...`);
    const output = await part.run({ quick, log, earlier: parts });
    parts[part.id] = { title: part.title, ranAt: new Date().toISOString(), quick, loadAverage: Number(loadavg()[0].toFixed(2)), ...output };
  }
  const results: BenchResults = {
    ranAt: new Date().toISOString(),
    machine: machine(loadBefore),
    durationSeconds: Math.round((performance.now() - started) / 1000),
    ran: selected.map((part) => part.id),
    parts,
  };
  printTable(results, results.ran);
  if (quick) {
    log('quick run: bench/results.json and docs/benchmarks.md left unchanged');
    return;
  }
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(DOC, renderMarkdown(results, allIds()));
  log(`wrote bench/results.json and docs/benchmarks.md (${results.durationSeconds} s)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
