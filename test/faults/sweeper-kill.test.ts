import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLE_NAME, startLocalApp, type LocalApp } from '#local/app';
import { ManualClock } from '../support/fixtures.ts';
import { recordDeliveries, type DeliveryLog } from '../support/fault-injection.ts';
import { startPausedExecutions } from '../support/paused-executions.ts';
import type { EngineAnswer, EngineCall } from '../support/sweeper-process.ts';

const SWEEPER = fileURLToPath(new URL('../support/sweeper-process.ts', import.meta.url));

let app: LocalApp;
let deliveries: DeliveryLog;
const clock = new ManualClock(new Date());
beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [], clock });
  deliveries = recordDeliveries(app.engine);
});
afterAll(async () => {
  deliveries.restore();
  await app.close();
});

/** The URL of the app's dynalite, which the sweeper process talks to. */
async function dynamoEndpoint(): Promise<string> {
  const db = (app.deps.store as unknown as { db: DynamoDBDocumentClient }).db;
  const { protocol, hostname, port } = await db.config.endpoint!();
  return `${protocol}//${hostname}:${port}`;
}

/** Runs the sweeper in a process of its own, serving its Step Functions calls from the app's engine; resolves with how it ended. */
async function sweeperProcess(dieAfterTransitions: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SWEEPER], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      HITL_DYNAMO_ENDPOINT: await dynamoEndpoint(),
      HITL_TABLE: LOCAL_TABLE_NAME,
      HITL_NOW: clock.now().toISOString(),
      HITL_DIE_AFTER_TRANSITIONS: String(dieAfterTransitions),
    },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.on('message', async ({ id, method, args }: EngineCall) => {
    let answer: EngineAnswer;
    try {
      answer = { id, result: await (app.engine[method] as (...a: unknown[]) => Promise<unknown>).apply(app.engine, args) };
    } catch (error) {
      answer = { id, error: { name: (error as Error).name, message: (error as Error).message } };
    }
    if (child.connected) child.send(answer);
  });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, output })));
}

describe('the sweeper process is killed half way through a batch', () => {
  it('finishes the batch on the next run: every request times out and every workflow resumes exactly once', async () => {
    // Prepare: three expired requests of paused executions
    const paused = await startPausedExecutions(app, 3, { hitl: { timeoutSeconds: 5 } });
    clock.advance(6_000);

    // Act: the sweeper process is killed (SIGKILL) right after its second timeout write lands, before
    // that request's audit entry and delivery; then the next run, after the dead run's delivery lease
    const killed = await sweeperProcess(2);
    const afterKill = await Promise.all(paused.map((p) => app.deps.store.get(p.requestId)));
    clock.advance(31_000);
    const next = await app.sweep();

    // Assess: it died where it was told to, with one request delivered, one half done and one untouched
    expect(killed, killed.output).toMatchObject({ signal: 'SIGKILL' });
    expect(afterKill.map((r) => `${r?.status}/${r?.delivery ?? '-'}`).sort()).toEqual(['pending/-', 'timed_out/delivered', 'timed_out/pending']);
    expect(next).toMatchObject({ timedOut: 1, delivered: 2 });
    for (const p of paused) {
      const execution = await app.engine.waitForExecution(p.executionArn, 30_000);
      const stored = await app.deps.store.get(p.requestId);
      expect(execution.status).toBe('SUCCEEDED');
      expect((execution.output as { approval: { outcome: string } }).approval.outcome).toBe('timed_out');
      expect(deliveries.acceptedFor(p.taskToken)).toBe(1);
      expect(stored).toMatchObject({ status: 'timed_out', delivery: 'delivered' });
      expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
    }
  }, 120_000);
});
