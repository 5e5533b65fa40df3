import { z } from 'zod';
import { DEFAULT_INDEX_SHARDS, MAX_INDEX_SHARDS } from '#adapters/dynamodb/shards';

/**
 * Deployment configuration of the repository's CDK app, read once when the app starts from CDK
 * context (`-c key=value` or cdk.json) and, for keys the context leaves out, from `HITL_*`
 * environment variables.
 */
export const DeploymentConfigSchema = z
  .object({
    stage: z.enum(['dev', 'prod']),
    senderEmail: z.email({ message: 'must be an email address SES can verify' }),
    approverGroups: z.array(z.string().regex(/^[^\s,]{1,128}$/, 'group names are 1-128 characters without spaces or commas')).min(1),
    adminGroups: z.array(z.string().regex(/^[^\s,]{1,128}$/, 'group names are 1-128 characters without spaces or commas')).min(1),
    auditorGroups: z.array(z.string().regex(/^[^\s,]{1,128}$/, 'group names are 1-128 characters without spaces or commas')).min(1),
    auditRetentionDays: z.number().int().min(1).max(36_500).optional(),
    corsOrigins: z.array(z.url({ protocol: /^https?$/, message: 'must be an https:// origin (http only for localhost)' })).optional(),
    callbackUrls: z.array(z.url({ protocol: /^https?$/, message: 'must be an https:// URL (http only for localhost)' })).min(1),
    /** `true` reuses the SES identity of senderEmail, a domain name reuses that domain's identity; absent creates one. */
    reuseSenderIdentity: z.union([z.boolean(), z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be true, false or a domain name')]).optional(),
    /** `true` creates a customer-managed KMS key for the table and the log groups. */
    customerManagedKey: z.boolean({ message: 'must be true or false' }).optional(),
    /** Absent means `none`: a fresh account has no API Gateway CloudWatch role, and taking over the account setting is opt-in. */
    apiCloudWatchRole: z.enum(['create', 'existing', 'none'], { message: 'must be create, existing or none' }).optional(),
    /** Shards of each busy index partition, about 1,000 writes/s each (README, "Table design"). Absent: 4. */
    indexShards: z.number().int().min(1).max(MAX_INDEX_SHARDS).optional(),
    /** Shards readers look in, at least indexShards; keep it at the old count after lowering indexShards. */
    indexReadShards: z.number().int().min(1).max(MAX_INDEX_SHARDS).optional(),
    /** Expiries the sweeper runs at once. Absent: 16. */
    sweepConcurrency: z.number().int().min(1).max(64).optional(),
    /** How agents authorize on the agent-facing routes: IAM (SigV4) or a Cognito client-credentials access token. */
    agentAuth: z.enum(['iam', 'cognito'], { message: 'must be iam or cognito' }).optional(),
    /** Lambda durable functions (names, this account and region) whose callbacks decisions complete. */
    durableFunctions: z.array(z.string().regex(/^[\w-]{1,64}$/, 'function names are 1-64 letters, digits, - or _')).optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.stage === 'prod' && PLACEHOLDER_DOMAIN.test(config.senderEmail)) {
      ctx.addIssue({ code: 'custom', path: ['senderEmail'], message: 'prod needs a real sender address, not one at a reserved example domain' });
    }
    const shared = config.approverGroups.filter((group) => config.adminGroups.includes(group));
    if (shared.length > 0) ctx.addIssue({ code: 'custom', path: ['adminGroups'], message: `shares ${shared.join(', ')} with approverGroups` });
    const other = [...config.approverGroups, ...config.adminGroups];
    const sharedByAuditors = config.auditorGroups.filter((group) => other.includes(group));
    if (sharedByAuditors.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['auditorGroups'], message: `shares ${sharedByAuditors.join(', ')} with approverGroups or adminGroups` });
    }
    const writeShards = config.indexShards ?? DEFAULT_INDEX_SHARDS.count;
    if (config.indexReadShards !== undefined && config.indexReadShards < writeShards) {
      ctx.addIssue({ code: 'custom', path: ['indexReadShards'], message: `must be at least indexShards (${writeShards}), or entries in the higher shards are never read` });
    }
  });

export type DeploymentConfig = z.infer<typeof DeploymentConfigSchema>;
type Key = keyof DeploymentConfig;

/** The environment variable read for each key the CDK context leaves out. */
export const ENV_VARS: Readonly<Record<Key, string>> = {
  stage: 'HITL_STAGE',
  senderEmail: 'HITL_SENDER_EMAIL',
  approverGroups: 'HITL_APPROVER_GROUPS',
  adminGroups: 'HITL_ADMIN_GROUPS',
  auditorGroups: 'HITL_AUDITOR_GROUPS',
  auditRetentionDays: 'HITL_AUDIT_RETENTION_DAYS',
  corsOrigins: 'HITL_CORS_ORIGINS',
  callbackUrls: 'HITL_CALLBACK_URLS',
  apiCloudWatchRole: 'HITL_API_CLOUDWATCH_ROLE',
  reuseSenderIdentity: 'HITL_REUSE_SENDER_IDENTITY',
  customerManagedKey: 'HITL_CUSTOMER_MANAGED_KEY',
  indexShards: 'HITL_INDEX_SHARDS',
  indexReadShards: 'HITL_INDEX_READ_SHARDS',
  sweepConcurrency: 'HITL_SWEEP_CONCURRENCY',
  durableFunctions: 'HITL_DURABLE_FUNCTIONS',
  agentAuth: 'HITL_AGENT_AUTH',
};

/** Used in dev only when no sender is given, so `cdk synth` works out of the box; never in prod. */
export const DEV_PLACEHOLDER_SENDER = 'approvals@example.com';
const PLACEHOLDER_DOMAIN = /@(.+\.)?example\.(com|org|net)$/i;

const DEFAULTS = {
  stage: 'dev',
  approverGroups: ['approvers'],
  adminGroups: ['admins'],
  auditorGroups: ['auditors'],
  callbackUrls: ['http://localhost:8080/callback'],
} as const;

const NUMBER_KEYS: readonly Key[] = ['auditRetentionDays', 'indexShards', 'indexReadShards', 'sweepConcurrency'];
const LIST_KEYS: readonly Key[] = ['approverGroups', 'adminGroups', 'auditorGroups', 'corsOrigins', 'callbackUrls', 'durableFunctions'];

export interface ConfigSources {
  /** Reads a CDK context value (`app.node.tryGetContext`). */
  readonly context: (key: string) => unknown;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface LoadedConfig {
  readonly config: DeploymentConfig;
  /** Things that work but that the deployer should know (shown as synth warnings). */
  readonly warnings: string[];
}

/** Every configuration problem, in one message. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid hitl-approvals configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; throws ConfigError naming every bad or missing field. */
export function loadConfig(sources: ConfigSources): LoadedConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ENV_VARS) as Key[]) {
    const value = sources.context(key) ?? emptyToUndefined(sources.env[ENV_VARS[key]]);
    if (value !== undefined) raw[key] = normalize(key, value);
  }
  const warnings: string[] = [];
  const withDefaults: Record<string, unknown> = { ...DEFAULTS, ...raw };
  if (withDefaults.stage === 'dev' && withDefaults.senderEmail === undefined) {
    withDefaults.senderEmail = DEV_PLACEHOLDER_SENDER;
    warnings.push(`No senderEmail given: using ${DEV_PLACEHOLDER_SENDER}, which SES cannot verify, so no email goes out. Deploy with -c senderEmail=you@your-domain.`);
  }

  const parsed = DeploymentConfigSchema.safeParse(withDefaults);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '');
        const where = key in ENV_VARS ? ` (set with -c ${key}=... or ${ENV_VARS[key as Key]})` : '';
        const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
        return `${issue.path.join('.') || 'config'}: ${message}${where}`;
      }),
    );
  }
  return { config: parsed.data, warnings };
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** `-c` and environment values are strings: split lists on commas and read numbers. */
function normalize(key: Key, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (LIST_KEYS.includes(key)) return value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  if (NUMBER_KEYS.includes(key)) return /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if ((key === 'reuseSenderIdentity' || key === 'customerManagedKey') && /^\s*(true|false)\s*$/i.test(value)) return value.trim().toLowerCase() === 'true';
  return value.trim();
}
