import { AuditRepository } from '#adapters/dynamodb/audit-repository';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { RequestRepository } from '#adapters/dynamodb/request-repository';
import { recordOnlyNotifier } from '#adapters/notify/record-only-notifier';
import { SdkWorkflows } from '#adapters/stepfunctions/sdk-workflows';
import { systemClock } from '#ports';
import { loadLambdaConfig } from '../config.ts';
import type { AppDeps } from '../handlers/deps.ts';

/** Wires the AWS adapters from the Lambda environment; called once at module load. */
export function awsDeps(): AppDeps {
  const config = loadLambdaConfig();
  const db = createDocumentClient();
  return {
    store: new RequestRepository(db, config.TABLE_NAME),
    audit: new AuditRepository(db, config.TABLE_NAME, { retentionDays: config.AUDIT_RETENTION_DAYS }),
    workflows: new SdkWorkflows(),
    notifier: recordOnlyNotifier,
    clock: systemClock,
  };
}
