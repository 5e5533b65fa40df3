import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AuditRepository } from '#adapters/dynamodb/audit-repository';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { RequestRepository } from '#adapters/dynamodb/request-repository';
import { ensureTable, startLocalDynamo, type LocalDynamo } from '#local/dynamodb';
import { staticSecret } from '../../lambdas/channels/secrets/secret-source.ts';

/** The audit key of tables started here. */
export const TEST_AUDIT_KEY = 'test-audit-key-0123456789abcdef0123456789';

export interface LocalTable {
  readonly dynamo: LocalDynamo;
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly store: RequestRepository;
  readonly audit: AuditRepository;
  close(): Promise<void>;
}

/** A real dynalite server in memory with the approvals table, for integration tests. */
export async function startLocalTable(options: { readonly auditRetentionDays?: number } = {}): Promise<LocalTable> {
  const dynamo = await startLocalDynamo();
  const tableName = `approvals-${randomUUID().slice(0, 8)}`;
  await ensureTable(dynamo.clientConfig, tableName);
  const db = createDocumentClient(dynamo.clientConfig);
  return {
    dynamo,
    db,
    tableName,
    store: new RequestRepository(db, tableName),
    audit: new AuditRepository(db, tableName, { key: staticSecret(TEST_AUDIT_KEY), ...(options.auditRetentionDays ? { retentionDays: options.auditRetentionDays } : {}) }),
    close: async () => {
      db.destroy();
      await dynamo.close();
    },
  };
}
