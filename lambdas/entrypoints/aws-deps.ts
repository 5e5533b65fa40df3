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
import { systemClock, type PayloadStore } from '#ports';
import { secretsManagerSecret } from '../channels/secrets/secrets-manager.ts';
import { LambdaDispatchNotifier } from '../channels/dispatch/lambda-dispatch-notifier.ts';
import { loadLambdaConfig } from '../config.ts';
import type { AppDeps } from '../handlers/deps.ts';

/** Wires the AWS adapters from the Lambda environment; called once at module load. */
export function awsDeps(): AppDeps & { readonly payloads: PayloadStore } {
  const config = loadLambdaConfig();
  const db = createDocumentClient();
  return {
    store: new RequestRepository(db, config.TABLE_NAME),
    // The key is read on the first append or verification, once per container; the notifier, which
    // does neither, has no AUDIT_KEY_SECRET_ARN and no access to the secret.
    audit: new AuditRepository(db, config.TABLE_NAME, {
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
    stats: new CompositeStats(new StatsRepository(db, config.TABLE_NAME), [new EmfStats()]),
    access: config.access,
    payloads: new PayloadRepository(db, config.TABLE_NAME, systemClock),
    // Only the functions that deliver decisions (API, sweeper) get the webhook signing key.
    ...(config.WEBHOOK_SECRET_ARN ? { webhooks: { sender: fetchWebhookSender, signingSecret: secretsManagerSecret(config.WEBHOOK_SECRET_ARN) } } : {}),
  };
}
