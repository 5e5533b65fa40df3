import { AuditRepository } from '#adapters/dynamodb/audit-repository';
import { PayloadRepository } from '#adapters/dynamodb/payload-repository';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { RequestRepository } from '#adapters/dynamodb/request-repository';
import { CompositeNotifier } from '#adapters/notify/composite-notifier';
import { recordOnlyNotifier } from '#adapters/notify/record-only-notifier';
import { StatsRepository } from '#adapters/dynamodb/stats-repository';
import { CompositeStats } from '#adapters/metrics/composite-stats';
import { EmfStats } from '#adapters/metrics/emf-stats';
import { SdkWorkflows } from '#adapters/stepfunctions/sdk-workflows';
import { fetchWebhookSender } from '#adapters/webhook/fetch-webhook-sender';
import { LambdaDurableCallbacks } from '#adapters/lambda/durable-callbacks';
import { systemClock, type PayloadStore } from '#ports';
import { secretsManagerSecret } from '../channels/secrets/secrets-manager.ts';
import { LambdaDispatchNotifier, lambdaClient } from '../channels/dispatch/lambda-dispatch-notifier.ts';
import { loadLambdaConfig, type LambdaConfig } from '../config.ts';
import type { AppDeps } from '../handlers/deps.ts';

/** Wires the AWS adapters from the Lambda environment; called once at module load. */
export function awsDeps(config: LambdaConfig = loadLambdaConfig()): AppDeps & { readonly payloads: PayloadStore; readonly workflows: SdkWorkflows } {
  const db = createDocumentClient();
  const shards = config.shards ? { shards: config.shards } : {};
  const stats = new StatsRepository(db, config.TABLE_NAME, shards);
  const metrics = new EmfStats();
  return {
    store: new RequestRepository(db, config.TABLE_NAME, shards),
    // The key is read on the first append or verification, once per container; the notifier, which
    // does neither, has no AUDIT_KEY_SECRET_ARN and no access to the secret.
    audit: new AuditRepository(db, config.TABLE_NAME, {
      ...shards,
      retentionDays: config.AUDIT_RETENTION_DAYS,
      ...(config.AUDIT_KEY_SECRET_ARN ? { key: secretsManagerSecret(config.AUDIT_KEY_SECRET_ARN) } : {}),
    }),
    workflows: new SdkWorkflows(),
    // The gate and the sweeper hand notifications to the notifier function (async invoke), which
    // alone holds the SES, Cognito and secret permissions; without it, the history records who to tell.
    notifier: config.NOTIFIER_FUNCTION_NAME
      ? new CompositeNotifier([recordOnlyNotifier, new LambdaDispatchNotifier(config.NOTIFIER_FUNCTION_NAME)])
      : recordOnlyNotifier,
    clock: systemClock,
    stats: new CompositeStats(stats, [metrics]),
    rollup: stats,
    decisionMetrics: metrics,
    access: config.access,
    payloads: new PayloadRepository(db, config.TABLE_NAME, systemClock),
    // Only the functions that deliver decisions (API, sweeper) get the webhook signing key.
    ...(config.WEBHOOK_SECRET_ARN ? { webhooks: { sender: fetchWebhookSender, signingSecret: secretsManagerSecret(config.WEBHOOK_SECRET_ARN) } } : {}),
    // Only the functions that deliver decisions (API, sweeper) may complete durable callbacks (IAM).
    ...(config.DURABLE_CALLBACKS === 'on' ? { durableCallbacks: new LambdaDurableCallbacks(lambdaClient) } : {}),
  };
}
