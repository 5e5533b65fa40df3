import * as z from 'zod';
import { READ_ACCESS_ENV, readAccessOf, type ReadAccess } from '#core/read-access';
import { parseConfig } from '#core/validation';
import { MAX_INDEX_SHARDS, type IndexShards } from '#adapters/dynamodb/shards';

const EnvSchema = z.object({
  TABLE_NAME: z.string().min(3, 'TABLE_NAME must name the approvals table'),
  AWS_REGION: z.string().min(1, 'AWS_REGION is set by the Lambda runtime'),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
  /** The Secrets Manager secret holding the audit chain's HMAC key; set on the functions that append or verify. */
  AUDIT_KEY_SECRET_ARN: z.string().startsWith('arn:').optional(),
  // Review channels (lambdas/handlers/channels/aws-wiring.ts and docs/channels.md say which function needs which).
  SENDER_EMAIL: z.email().optional(),
  PUBLIC_BASE_URL: z.url().optional(),
  LINK_SECRET_ARN: z.string().startsWith('arn:').optional(),
  USER_POOL_ID: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'USER_POOL_ID looks like us-east-1_AbC123').optional(),
  NOTIFIER_FUNCTION_NAME: z.string().min(1).optional(),
  /** Emails a second the notifier sends at most; unset: the account's SES MaxSendRate (GetSendQuota). */
  SES_MAX_SEND_RATE: z.coerce.number().positive().optional(),
  SLACK_SIGNING_SECRET_ARN: z.string().startsWith('arn:').optional(),
  SLACK_WEBHOOKS_SECRET_ARN: z.string().startsWith('arn:').optional(),
  /** The function that finishes Slack clicks after their acknowledgement (the sweeper). */
  SLACK_FOLLOW_UP_FUNCTION_NAME: z.string().min(1).optional(),
  COGNITO_DOMAIN: z.url().optional(),
  COGNITO_CLIENT_ID: z.string().min(1).optional(),
  // Who reads what (core/read-access.ts): comma-separated groups, `admins` and `auditors` when unset.
  ...READ_ACCESS_ENV,
  /** The key that signs decisions POSTed to agents' webhooks (API and sweeper). */
  WEBHOOK_SECRET_ARN: z.string().startsWith('arn:').optional(),
  /** `on` where the function may complete Lambda durable functions' callbacks (API and sweeper). */
  DURABLE_CALLBACKS: z.enum(['on']).optional(),
  /** Shards of each busy index partition, the same for every function (README, "Table design"). */
  INDEX_SHARDS: z.coerce.number().int().min(1).max(MAX_INDEX_SHARDS).optional(),
  /** Shards readers look in, at least INDEX_SHARDS: kept at the old count after lowering it. */
  INDEX_READ_SHARDS: z.coerce.number().int().min(1).max(MAX_INDEX_SHARDS).optional(),
  /** Expiries the sweeper runs at once. */
  SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
}).refine((env) => env.INDEX_READ_SHARDS === undefined || env.INDEX_READ_SHARDS >= (env.INDEX_SHARDS ?? 1), {
  path: ['INDEX_READ_SHARDS'],
  message: 'INDEX_READ_SHARDS must be at least INDEX_SHARDS, or entries in the higher shards are never read',
});
export type LambdaConfig = z.infer<typeof EnvSchema> & { readonly access: ReadAccess; readonly shards?: IndexShards };

/** Reads the Lambda environment once, naming every missing or bad variable in one message. */
export function loadLambdaConfig(env: NodeJS.ProcessEnv = process.env): LambdaConfig {
  const parsed = parseConfig(EnvSchema, env, 'Lambda configuration');
  const shards = parsed.INDEX_SHARDS !== undefined ? { count: parsed.INDEX_SHARDS, ...(parsed.INDEX_READ_SHARDS !== undefined ? { readCount: parsed.INDEX_READ_SHARDS } : {}) } : undefined;
  return { ...parsed, access: readAccessOf(parsed), ...(shards ? { shards } : {}) };
}
