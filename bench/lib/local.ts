import '#local/polyfills';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_GATE_FUNCTION, startLocalApp, type LocalApp, type LocalAppOptions } from '#local/app';
import { createGateHandler } from '../../lambdas/handlers/gate.ts';
import type { LocalContext } from '#local/module';
import { loadLocalConfig } from '#local/config';

export interface BenchApp {
  readonly app: LocalApp;
  /** The document client and table the local app's repositories use. */
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly context: LocalContext;
}

/**
 * The local app with no feature modules and no sweeper timer, plus a handle on its table. Its
 * DynamoDB runs where HITL_DYNAMODB_THREAD says, as `npm start`'s does.
 */
export async function startBenchApp(options: Omit<LocalAppOptions, 'modules'> = {}): Promise<BenchApp> {
  let context: LocalContext | undefined;
  const probe = { name: 'bench-probe', start: async (ctx: LocalContext) => ((context = ctx), {}) };
  const app = await startLocalApp({ sweepIntervalMs: 0, dynamoThread: loadLocalConfig().dynamoThread, ...options, modules: [probe] });
  return { app, db: context!.db, tableName: context!.tableName, context: context! };
}

export const APPROVER_HEADERS = { 'x-user': 'bob', 'x-groups': 'approvers' };

/**
 * Replaces the local app's gate function with the same handler over the same deps, counting the
 * invocations that have returned: an execution counts as paused once its gate has stored the
 * request, notified and recorded the notification, as on AWS when the gate Lambda returns.
 */
export function countGateCompletions(app: LocalApp): { readonly completed: number; readonly failed: number; readonly errors: string[] } {
  const gate = createGateHandler(app.deps);
  const counter = { completed: 0, failed: 0, errors: [] as string[] };
  app.engine.registerFunction(LOCAL_GATE_FUNCTION, async (payload) => {
    try {
      const result = await gate(payload, {} as never);
      counter.completed++;
      return result;
    } catch (error) {
      counter.failed++;
      if (counter.errors.length < 5) counter.errors.push(`${(error as Error)?.name}: ${(error as Error)?.message}`);
      throw error;
    }
  });
  return counter;
}

/**
 * Waits until `target` gate invocations have returned or failed. A failed gate fails its execution;
 * callers that need paused executions start replacements (see `failed` and `errors`).
 */
export async function untilCompleted(counter: { readonly completed: number; readonly failed: number; readonly errors?: string[] }, target: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (counter.completed + counter.failed < target) {
    if (Date.now() > deadline) throw new Error(`only ${counter.completed} of ${target} gates returned within ${timeoutMs} ms (${counter.failed} failed: ${counter.errors?.join('; ')})`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
