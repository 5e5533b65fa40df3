import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_TABLE_NAME, type LocalApp } from '#local/app';
import type { Clock } from '#ports';
import type { EngineAnswer, EngineCall } from './sweeper-process.ts';

const SWEEPER = fileURLToPath(new URL('./sweeper-process.ts', import.meta.url));

/** The URL of the app's dynalite, which the sweeper process talks to. */
async function dynamoEndpoint(app: LocalApp): Promise<string> {
  const db = (app.deps.store as unknown as { db: DynamoDBDocumentClient }).db;
  const { protocol, hostname, port } = await db.config.endpoint!();
  return `${protocol}//${hostname}:${port}`;
}

/**
 * Runs the sweeper in a process of its own, serving its Step Functions calls from the app's engine;
 * it SIGKILLs itself after its `dieAfterTransitions`th timeout write lands, or once the workflows have
 * accepted `dieAfterDeliveries` decisions. Resolves with how it ended.
 */
export async function runSweeperProcess(
  app: LocalApp,
  clock: Clock,
  options: ({ readonly dieAfterTransitions: number } | { readonly dieAfterDeliveries: number }) & { readonly concurrency: number },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SWEEPER], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      HITL_DYNAMO_ENDPOINT: await dynamoEndpoint(app),
      HITL_TABLE: LOCAL_TABLE_NAME,
      HITL_NOW: clock.now().toISOString(),
      ...('dieAfterTransitions' in options ? { HITL_DIE_AFTER_TRANSITIONS: String(options.dieAfterTransitions) } : { HITL_DIE_AFTER_DELIVERIES: String(options.dieAfterDeliveries) }),
      HITL_SWEEP_CONCURRENCY: String(options.concurrency),
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
