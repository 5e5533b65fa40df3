import { resolve } from 'node:path';
import { z } from 'zod';

const LocalEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HITL_DATA_DIR: z.string().min(1).default('.hitl-local'),
  HITL_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  HITL_PUBLIC_URL: z.url().optional(),
});

export interface LocalConfig {
  readonly port: number;
  readonly dataDir: string;
  readonly sweepIntervalMs: number;
  readonly publicUrl?: string;
}

/** Local-mode settings from the environment, validated once at start with every problem named. */
export function loadLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const result = LocalEnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid local configuration: ${problems}`);
  }
  return {
    port: result.data.PORT,
    dataDir: resolve(result.data.HITL_DATA_DIR),
    sweepIntervalMs: result.data.HITL_SWEEP_INTERVAL_MS,
    ...(result.data.HITL_PUBLIC_URL ? { publicUrl: result.data.HITL_PUBLIC_URL } : {}),
  };
}
