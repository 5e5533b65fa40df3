import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface MemoryResult {
  readonly executions: number;
  /** Executions RUNNING (each waiting at its gate) when memory was read. */
  readonly running: number;
  /** Of those, executions the engine keeps as data with no interpreter (see `parkWaitingExecutions`). */
  readonly parked: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  /** RSS of the same process right after start, before any execution. */
  readonly baselineRssMb: number;
  /** (RSS - baseline) / executions. */
  readonly kbPerExecution: number;
  /** (heap used - heap used at start) / executions. */
  readonly heapKbPerExecution: number;
  readonly startSeconds: number;
  /** Peak RSS of the process. */
  readonly peakRssMb: number;
  /** RSS split (Linux): anonymous memory, and file-backed pages (the node binary, LevelDB's memory-mapped table files) the kernel can drop. */
  readonly rssAnonMb: number | null;
  readonly rssFileMb: number | null;
  readonly heapTotalMb: number;
  /** DynamoDB writes (PutItem, UpdateItem, ...) per execution while the gates ran, and the request bytes they sent. */
  readonly storeWritesPerExecution: number | null;
  readonly storeWriteKbPerExecution: number | null;
  /** The data folder after the gates (null in memory), and its DynamoDB part (LevelDB's tables and log). */
  readonly dataFolderMb: number | null;
  readonly dynamoFolderMb: number | null;
}

const CHILD = fileURLToPath(new URL('./children/hold-executions.ts', import.meta.url));
const MB = 1024 * 1024;

/** Runs the local app in a fresh Node process holding `count` waiting executions and reads its memory. */
export function benchMemory(count = 10_000, log = console.log, variant: 'full' | 'engine-only' = 'full'): MemoryResult {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, String(count), ...(variant === 'engine-only' ? ['engine-only'] : [])], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
    timeout: 300_000,
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
    memory: NodeJS.MemoryUsage;
    store: { writes: Record<string, { count: number; bytes: number }>; dataFolderBytes: number | null; dynamoFolderBytes: number | null };
  };
  const writes = Object.values(raw.store.writes);
  const perExecution = (total: number) => (variant === 'engine-only' ? null : total / raw.count);
  const result: MemoryResult = {
    executions: raw.count,
    running: raw.running,
    parked: raw.parked,
    rssMb: raw.memory.rss / MB,
    heapUsedMb: raw.memory.heapUsed / MB,
    baselineRssMb: raw.baseline.rss / MB,
    kbPerExecution: (raw.memory.rss - raw.baseline.rss) / 1024 / raw.count,
    heapKbPerExecution: (raw.memory.heapUsed - raw.baseline.heapUsed) / 1024 / raw.count,
    startSeconds: raw.startSeconds,
    peakRssMb: ((raw.memory as unknown as { VmHWM?: number }).VmHWM ?? raw.memory.rss) / MB,
    rssAnonMb: (raw.memory as unknown as { RssAnon?: number }).RssAnon !== undefined ? (raw.memory as unknown as { RssAnon: number }).RssAnon / MB : null,
    rssFileMb: (raw.memory as unknown as { RssFile?: number }).RssFile !== undefined ? (raw.memory as unknown as { RssFile: number }).RssFile / MB : null,
    heapTotalMb: raw.memory.heapTotal / MB,
    storeWritesPerExecution: perExecution(writes.reduce((sum, w) => sum + w.count, 0)),
    storeWriteKbPerExecution: perExecution(writes.reduce((sum, w) => sum + w.bytes, 0) / 1024),
    dataFolderMb: raw.store.dataFolderBytes === null ? null : raw.store.dataFolderBytes / MB,
    dynamoFolderMb: raw.store.dynamoFolderBytes === null ? null : raw.store.dynamoFolderBytes / MB,
  };
  log(`  memory${variant === 'engine-only' ? ' (engine only, gate stores nothing)' : ''}: ${result.running} waiting executions (${result.parked} parked as data), RSS ${result.rssMb.toFixed(0)} MB (baseline ${result.baselineRssMb.toFixed(0)} MB, ${result.kbPerExecution.toFixed(1)} KB each)${storeLine(result)}`);
  return result;
}

function storeLine(result: MemoryResult): string {
  const perGate = result.storeWritesPerExecution === null ? '' : `; ${result.storeWritesPerExecution.toFixed(1)} DynamoDB writes per gate sending ${result.storeWriteKbPerExecution?.toFixed(1)} KB`;
  const folder = result.dataFolderMb === null ? '' : `; data folder ${result.dataFolderMb.toFixed(1)} MB (DynamoDB ${result.dynamoFolderMb?.toFixed(1)} MB)`;
  return perGate + folder;
}
