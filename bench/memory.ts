import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode, LOCAL_BUILD_DIR } from '#local/build';

export interface MemoryResult {
  readonly executions: number;
  /** Executions RUNNING (each waiting at its gate) when memory was read. */
  readonly running: number;
  /** Of those, executions the engine keeps as data with no interpreter (see `parkWaitingExecutions`). */
  readonly parked: number;
  /** RSS after the last gate and 20 s with nothing to do, no GC forced: what `npm start` holds. */
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  /** The same process right after forced full GCs: what stays alive. */
  readonly rssAfterGcMb: number;
  readonly heapUsedAfterGcMb: number;
  readonly heapTotalAfterGcMb: number;
  /** RSS of the same process right after start, before any execution. */
  readonly baselineRssMb: number;
  /** (RSS - baseline) / executions. */
  readonly kbPerExecution: number;
  /** (heap used after GC - heap used at start) / executions. */
  readonly heapKbPerExecution: number;
  readonly startSeconds: number;
  /** Peak RSS of the process. */
  readonly peakRssMb: number;
  /** RSS split (Linux): anonymous memory, and file-backed pages (the node binary, LevelDB's memory-mapped table files) the kernel can drop. */
  readonly rssAnonMb: number | null;
  readonly rssFileMb: number | null;
  /** DynamoDB writes (PutItem, UpdateItem, ...) per execution while the gates ran, and the request bytes they sent. */
  readonly storeWritesPerExecution: number | null;
  readonly storeWriteKbPerExecution: number | null;
  /** The data folder after the gates (null in memory), and its DynamoDB part (LevelDB's tables and log). */
  readonly dataFolderMb: number | null;
  readonly dynamoFolderMb: number | null;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = join(LOCAL_BUILD_DIR, 'bench-hold-executions.mjs');
const MB = 1024 * 1024;

/** The node options `npm start` runs the local stack's bundle with (package.json's start script). */
export function startScriptNodeOptions(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const run = /(?:^|&&\s*)node\s+((?:--\S+\s+)*)\S+\.mjs\s*$/.exec(scripts.start ?? '');
  if (!run) throw new Error(`package.json's start script does not end in \`node [options] <bundle>.mjs\`: ${scripts.start}`);
  return run[1].split(/\s+/).filter(Boolean);
}

/**
 * Runs the local app in a fresh Node process holding `count` waiting executions and reads its
 * memory. The process runs as `npm start` runs the local stack: bundled the same way, with the same
 * node options.
 */
export async function benchMemory(count = 10_000, log = console.log, variant: 'full' | 'engine-only' = 'full'): Promise<MemoryResult> {
  await bundleForNode('bench/children/hold-executions.ts', CHILD);
  const child = spawnSync(process.execPath, [...startScriptNodeOptions(), '--expose-gc', CHILD, String(count), ...(variant === 'engine-only' ? ['engine-only'] : [])], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 900_000,
    maxBuffer: 64 * MB,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN', LOG_LEVEL: 'WARN' },
  });
  const line = child.stdout.split('\n').reverse().find((l) => l.startsWith('{"count"'));
  if (child.status !== 0 || !line) throw new Error(`the memory child failed (${child.status}): ${child.stderr.slice(-1000)}`);
  const raw = JSON.parse(line) as {
    count: number;
    running: number;
    parked: number;
    startSeconds: number;
    baseline: NodeJS.MemoryUsage;
    idle: NodeJS.MemoryUsage & Record<string, number>;
    memory: NodeJS.MemoryUsage & Record<string, number>;
    store: { writes: Record<string, { count: number; bytes: number }>; dataFolderBytes: number | null; dynamoFolderBytes: number | null };
  };
  const writes = Object.values(raw.store.writes);
  const perExecution = (total: number) => (variant === 'engine-only' ? null : total / raw.count);
  const result: MemoryResult = {
    executions: raw.count,
    running: raw.running,
    parked: raw.parked,
    rssMb: raw.idle.rss / MB,
    heapUsedMb: raw.idle.heapUsed / MB,
    heapTotalMb: raw.idle.heapTotal / MB,
    rssAfterGcMb: raw.memory.rss / MB,
    heapUsedAfterGcMb: raw.memory.heapUsed / MB,
    heapTotalAfterGcMb: raw.memory.heapTotal / MB,
    baselineRssMb: raw.baseline.rss / MB,
    kbPerExecution: (raw.idle.rss - raw.baseline.rss) / 1024 / raw.count,
    heapKbPerExecution: (raw.memory.heapUsed - raw.baseline.heapUsed) / 1024 / raw.count,
    startSeconds: raw.startSeconds,
    peakRssMb: (raw.idle.VmHWM ?? raw.idle.rss) / MB,
    rssAnonMb: raw.idle.RssAnon !== undefined ? raw.idle.RssAnon / MB : null,
    rssFileMb: raw.idle.RssFile !== undefined ? raw.idle.RssFile / MB : null,
    storeWritesPerExecution: perExecution(writes.reduce((sum, w) => sum + w.count, 0)),
    storeWriteKbPerExecution: perExecution(writes.reduce((sum, w) => sum + w.bytes, 0) / 1024),
    dataFolderMb: raw.store.dataFolderBytes === null ? null : raw.store.dataFolderBytes / MB,
    dynamoFolderMb: raw.store.dynamoFolderBytes === null ? null : raw.store.dynamoFolderBytes / MB,
  };
  log(`  memory${variant === 'engine-only' ? ' (engine only, gate stores nothing)' : ''}: ${result.running} waiting executions (${result.parked} parked as data), RSS ${result.rssMb.toFixed(0)} MB idle, ${result.rssAfterGcMb.toFixed(0)} MB after GC (baseline ${result.baselineRssMb.toFixed(0)} MB, ${result.kbPerExecution.toFixed(1)} KB each)${storeLine(result)}`);
  return result;
}

function storeLine(result: MemoryResult): string {
  const perGate = result.storeWritesPerExecution === null ? '' : `; ${result.storeWritesPerExecution.toFixed(1)} DynamoDB writes per gate sending ${result.storeWriteKbPerExecution?.toFixed(1)} KB`;
  const folder = result.dataFolderMb === null ? '' : `; data folder ${result.dataFolderMb.toFixed(1)} MB (DynamoDB ${result.dynamoFolderMb?.toFixed(1)} MB)`;
  return perGate + folder;
}
