import { resolve } from 'node:path';
import { z } from 'zod';
import { READ_ACCESS_ENV, readAccessOf, type ReadAccess } from '#core/read-access';
import { MIN_AUDIT_KEY_LENGTH } from '#core/audit-chain';
import { parseConfig } from '#core/validation';

/**
 * Where the local DynamoDB runs: `worker`, a worker thread of the server's process, so that its work
 * (HTTP parsing, expressions, LevelDB) has a core of its own beside the server, the handlers and the
 * Step Functions engine; `main`, the server's main thread itself, which spares the thread's start
 * and its own heap (about 20 MB): for a test with a table or two, or a tool that reads the data folder once.
 */
export const DYNAMO_THREADS = ['worker', 'main'] as const;
export type DynamoThread = (typeof DYNAMO_THREADS)[number];

/** Where local mode completes durable callbacks unless HITL_DURABLE_ENDPOINT says otherwise. */
export const DEFAULT_DURABLE_ENDPOINT = 'http://127.0.0.1:3009';

const LocalEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HITL_DATA_DIR: z.string().min(1).default('.hitl-local'),
  HITL_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  /** Where the local DynamoDB runs (see `DynamoThread`). */
  HITL_DYNAMODB_THREAD: z.enum(DYNAMO_THREADS).default('worker'),
  HITL_PUBLIC_URL: z.url().optional(),
  ...READ_ACCESS_ENV,
  /** The audit chain's HMAC key; generated into the data folder when unset. */
  HITL_AUDIT_KEY: z.string().min(MIN_AUDIT_KEY_LENGTH, `HITL_AUDIT_KEY must be at least ${MIN_AUDIT_KEY_LENGTH} characters`).optional(),
  /**
   * Where durable callbacks are completed: a server speaking Lambda's SendDurableExecutionCallback*
   * operations on this machine (`serveLocalDurableCallbacks` beside the durable SDK's local runner).
   */
  HITL_DURABLE_ENDPOINT: z
    .url()
    .refine((url) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname), 'HITL_DURABLE_ENDPOINT must be a loopback URL')
    .default(DEFAULT_DURABLE_ENDPOINT),
  /** Test-only fault injection, see `LocalFault`. */
  HITL_FAULT: z.enum(['gate-stalls-after-create', 'gate-stalls-after-notice', 'decision-stalls-before-delivery', 'decision-entry-stalls']).optional(),
  /**
   * Test-only: the server's clock reads this many milliseconds ahead, as if it came up that much later.
   * A fault test restarts a killed server "after" a lease the dead one held ran out, instead of waiting for it.
   */
  HITL_CLOCK_AHEAD_MS: z.coerce.number().int().min(0).max(24 * 3600 * 1000).default(0),
});

/**
 * A fault the local server injects on purpose, for fault tests that kill it at a known point:
 * `gate-stalls-after-create` makes every gate stop right after its request is written, before
 * its audit entry and notifications, as a crash there would; `gate-stalls-after-notice` makes every
 * gate stop once its notice went out and its audit entry is stored, before the one write that notes
 * the notice and marks both done; `decision-stalls-before-delivery` makes
 * every decision stop right after it is written, before it is delivered (task token, webhook, durable
 * callback), so the delivery is owed and undone; `decision-entry-stalls` makes storing
 * every decision's audit entry never return, so a responder stops after SendTaskSuccess (it prints
 * `faults: SendTaskSuccess accepted` each time one lands) and before its entry, count and delivered mark.
 */
export type LocalFault = NonNullable<z.infer<typeof LocalEnvSchema>['HITL_FAULT']>;

export interface LocalConfig {
  readonly port: number;
  readonly dataDir: string;
  readonly sweepIntervalMs: number;
  readonly dynamoThread: DynamoThread;
  readonly publicUrl?: string;
  /** Who reads what: HITL_ADMIN_GROUPS and HITL_AUDITOR_GROUPS. */
  readonly access: ReadAccess;
  readonly auditKey?: string;
  readonly durableEndpoint: string;
  readonly fault?: LocalFault;
  /** How far ahead of the system clock the server's clock reads; 0 outside fault tests. */
  readonly clockAheadMs: number;
}

/** Local-mode settings from the environment, validated once at start with every problem named. */
export function loadLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const parsed = parseConfig(LocalEnvSchema, env, 'local configuration');
  return {
    port: parsed.PORT,
    dataDir: resolve(parsed.HITL_DATA_DIR),
    sweepIntervalMs: parsed.HITL_SWEEP_INTERVAL_MS,
    dynamoThread: parsed.HITL_DYNAMODB_THREAD,
    ...(parsed.HITL_PUBLIC_URL ? { publicUrl: parsed.HITL_PUBLIC_URL } : {}),
    access: readAccessOf(parsed),
    ...(parsed.HITL_AUDIT_KEY ? { auditKey: parsed.HITL_AUDIT_KEY } : {}),
    durableEndpoint: parsed.HITL_DURABLE_ENDPOINT,
    ...(parsed.HITL_FAULT ? { fault: parsed.HITL_FAULT } : {}),
    clockAheadMs: parsed.HITL_CLOCK_AHEAD_MS,
  };
}
