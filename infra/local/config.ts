import { resolve } from 'node:path';
import { z } from 'zod';
import { READ_ACCESS_ENV, readAccessOf, type ReadAccess } from '#core/read-access';
import { parseConfig } from '#core/validation';

const LocalEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HITL_DATA_DIR: z.string().min(1).default('.hitl-local'),
  HITL_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  HITL_PUBLIC_URL: z.url().optional(),
  ...READ_ACCESS_ENV,
});

export interface LocalConfig {
  readonly port: number;
  readonly dataDir: string;
  readonly sweepIntervalMs: number;
  readonly publicUrl?: string;
  /** Who reads what: HITL_ADMIN_GROUPS and HITL_AUDITOR_GROUPS. */
  readonly access: ReadAccess;
}

/** Local-mode settings from the environment, validated once at start with every problem named. */
export function loadLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const parsed = parseConfig(LocalEnvSchema, env, 'local configuration');
  return {
    port: parsed.PORT,
    dataDir: resolve(parsed.HITL_DATA_DIR),
    sweepIntervalMs: parsed.HITL_SWEEP_INTERVAL_MS,
    ...(parsed.HITL_PUBLIC_URL ? { publicUrl: parsed.HITL_PUBLIC_URL } : {}),
    access: readAccessOf(parsed),
  };
}
