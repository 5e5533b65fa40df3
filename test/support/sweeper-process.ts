/**
 * A sweeper run in its own process, for tests that kill it half way. It works on the parent's
 * DynamoDB (dynalite over HTTP) and reaches the parent's Step Functions engine through the IPC
 * channel; after the `HITL_DIE_AFTER_TRANSITIONS`th timeout write lands, it SIGKILLs itself, so
 * nothing after that write runs: no audit entry, no delivery, no clean-up. With
 * `HITL_DIE_AFTER_DELIVERIES` it dies instead once the workflow has accepted that many decisions,
 * before the write that records the delivery.
 *
 * Env: HITL_DYNAMO_ENDPOINT, HITL_TABLE, HITL_NOW (ISO time the sweeper's clock stands at),
 * HITL_DIE_AFTER_TRANSITIONS or HITL_DIE_AFTER_DELIVERIES, HITL_SWEEP_CONCURRENCY (expiries under way at once).
 */
import { AuditRepository } from '#adapters/dynamodb/audit-repository';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { RequestRepository } from '#adapters/dynamodb/request-repository';
import { recordOnlyNotifier } from '#adapters/notify/record-only-notifier';
import type { ApprovalStore, ExecutionDescription, Workflows } from '#ports';
import { sweepExpired } from '#usecases/sweep-expired';

/** A call to the parent's engine, and its answer. */
export type EngineCall = { readonly id: number; readonly method: 'sendTaskSuccess' | 'sendTaskFailure' | 'describeExecution'; readonly args: unknown[] };
export type EngineAnswer = { readonly id: number; readonly result?: unknown; readonly error?: { name: string; message: string } };

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

let next = 0;
const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
process.on('message', (answer: EngineAnswer) => {
  const call = waiting.get(answer.id);
  waiting.delete(answer.id);
  if (answer.error) call?.reject(Object.assign(new Error(answer.error.message), { name: answer.error.name }));
  else call?.resolve(answer.result);
});
function engine<T>(method: EngineCall['method'], ...args: unknown[]): Promise<T> {
  const id = ++next;
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    process.send!({ id, method, args } satisfies EngineCall);
  });
}
const dieAfterDeliveries = Number(process.env.HITL_DIE_AFTER_DELIVERIES ?? 0);
let deliveries = 0;
const workflows: Workflows = {
  startExecution: () => Promise.reject(new Error('the sweeper starts no executions')),
  sendTaskSuccess: async (token, output) => {
    await engine('sendTaskSuccess', token, output);
    if (++deliveries === dieAfterDeliveries) process.kill(process.pid, 'SIGKILL');
  },
  sendTaskFailure: (token, error, cause) => engine('sendTaskFailure', token, error, cause),
  describeExecution: (arn) => engine<ExecutionDescription>('describeExecution', arn),
};

const db = createDocumentClient({ endpoint: env('HITL_DYNAMO_ENDPOINT'), region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const clock = { now: () => new Date(env('HITL_NOW')) };
const table = env('HITL_TABLE');
const dieAfter = Number(process.env.HITL_DIE_AFTER_TRANSITIONS ?? 0);
const real = new RequestRepository(db, table);
let transitions = 0;
const store = new Proxy(real, {
  get(target, name, receiver) {
    const value = Reflect.get(target, name, receiver);
    if (name !== 'transition' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
    return async (...args: unknown[]) => {
      const result = await value.apply(target, args);
      if (++transitions === dieAfter) process.kill(process.pid, 'SIGKILL');
      return result;
    };
  },
}) as ApprovalStore;

await sweepExpired(
  { store, audit: new AuditRepository(db, table, { clock }), workflows, notifier: recordOnlyNotifier, clock },
  { concurrency: Number(env('HITL_SWEEP_CONCURRENCY')) },
);
process.exit(0);
