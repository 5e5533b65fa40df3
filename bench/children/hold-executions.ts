/**
 * Child process of the memory benchmark: starts the local app as `npm start` does (all feature
 * modules, DynamoDB on disk in a temporary data folder), starts N approval-gate executions, waits
 * until every gate has stored its request and paused, and prints the process's memory as JSON:
 * first as the process holds it after IDLE_MS with nothing to do (what a person running `npm start`
 * sees), then after forced full GCs (what stays alive; run with --expose-gc for that reading).
 */
import '#local/polyfills';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordOnlyNotifier } from '#adapters/notify/record-only-notifier';
import { countGateCompletions, untilCompleted } from '../lib/local.ts';
import { HitlConfigSchema } from '#core/hitl-config';
import { LOCAL_GATE_FUNCTION, startLocalApp } from '#local/app';
import { loadLocalConfig } from '#local/config';
import type { LocalModule } from '#local/module';
import { localModules } from '#local/modules';
import type { Notifier } from '#ports';

const count = Number(process.argv[2] ?? 10_000);
const dataDir = mkdtempSync(join(tmpdir(), 'hitl-bench-memory-'));
// Record-only: the point is the engine and the store, not 10,000 emails in the outbox.
const notifier: Notifier = recordOnlyNotifier;
const gc = (globalThis as { gc?: () => void }).gc;
const IDLE_MS = 20_000;
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
/** DynamoDB writes by command, with the bytes of their request bodies (the items and expressions sent). */
const writes = new Map<string, { count: number; bytes: number }>();
// Counts the writes of the table client every module uses; starts last, so the others are as `npm start` has them.
const writeCounter: LocalModule = {
  name: 'bench-write-counter',
  start: async ({ db }) => {
    db.middlewareStack.add(
      (next, context) => async (args) => {
        const command = String((context as { commandName?: string }).commandName);
        if (WRITES.has(command)) {
          const body = (args.request as { body?: unknown }).body;
          const entry = writes.get(command) ?? { count: 0, bytes: 0 };
          entry.count++;
          entry.bytes += typeof body === 'string' ? Buffer.byteLength(body) : body instanceof Uint8Array ? body.byteLength : 0;
          writes.set(command, entry);
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: 'benchWriteCounter' },
    );
    return {};
  },
};
/** process.memoryUsage() with the kernel's split of RSS (Linux) and the peak so far. */
function memoryNow(): NodeJS.MemoryUsage & Record<string, number> {
  const status = readFileSync('/proc/self/status', 'utf8');
  const proc = Object.fromEntries([...status.matchAll(/^(RssAnon|RssFile|RssShmem|VmHWM):\s+(\d+) kB/gm)].map((m) => [m[1], Number(m[2]) * 1024]));
  return { ...process.memoryUsage(), ...proc };
}
const folderBytes = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => sum + (entry.isDirectory() ? folderBytes(join(dir, entry.name)) : statSync(join(dir, entry.name)).size), 0);

const app = await startLocalApp({ ...(process.env.HITL_BENCH_IN_MEMORY ? {} : { dataDir }), sweepIntervalMs: 0, dynamoThread: loadLocalConfig().dynamoThread, notifier, modules: [...localModules, writeCounter] });
// `engine-only`: a gate function that stores nothing, to tell the engine's share from the store's.
const engineOnly = process.argv[3] === 'engine-only';
const gates = engineOnly ? { completed: 0, failed: 0, errors: [] as string[] } : countGateCompletions(app);
if (engineOnly) {
  app.engine.registerFunction(LOCAL_GATE_FUNCTION, async () => {
    (gates as { completed: number }).completed++;
    return {};
  });
}
try {
  await settle();
  const baseline = process.memoryUsage();
  writes.clear();
  const hitl = HitlConfigSchema.parse({ mode: 'confirm_tools', approvers: { groups: ['approvers'] }, timeoutSeconds: 86_400 });
  const started = performance.now();
  const CHUNK = Number(process.env.HITL_BENCH_CHUNK ?? 500);
  for (let i = 0; i < count; i += CHUNK) {
    const chunk = Math.min(CHUNK, count - i);
    for (let j = i; j < i + chunk; j++) {
      await app.engine.startExecution(app.stateMachines.approvalGate, {
        workflowId: 'support-agent',
        nodeId: 'agent',
        step: 'call-1',
        channel: 'async',
        hitl,
        action: { kind: 'tool_call', toolCall: { id: 'call-1', name: 'send_email', args: { to: `customer-${j}@example.com`, subject: 'Refunds' } } },
        context: { conversation: [{ role: 'user', content: 'Email me your refund policy, please.' }], facts: { orderId: `ord-${j}` } },
        requestedBy: 'alice',
        gateTimeoutSeconds: 90_000,
      });
    }
    await untilCompleted(gates, i + chunk);
    if (gates.failed > 0) throw new Error(`${gates.failed} gates failed: ${gates.errors.join('; ')}`);
  }
  const startSeconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const idle = memoryNow();
  await settle();
  const memory = memoryNow();
  // Counted after the readings: listing parses every execution's input, garbage the readings must not see.
  const running = (await app.engine.listExecutions({ status: 'RUNNING' })).length;
  const parked = app.engine.parkedCount;
  const store = {
    writes: Object.fromEntries(writes),
    dataFolderBytes: process.env.HITL_BENCH_IN_MEMORY ? null : folderBytes(dataDir),
    dynamoFolderBytes: process.env.HITL_BENCH_IN_MEMORY ? null : folderBytes(join(dataDir, 'dynamodb')),
  };
  process.stdout.write(`${JSON.stringify({ count, running, parked, paused: gates.completed, startSeconds, baseline, idle, memory, store })}\n`);
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
