import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKeys } from '#adapters/dynamodb/audit-repository';
import { TTL_ATTRIBUTE } from '#adapters/dynamodb/table';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

let kept: LocalTable;
let forever: LocalTable;
beforeAll(async () => {
  [kept, forever] = await Promise.all([startLocalTable({ auditRetentionDays: 30 }), startLocalTable()]);
});
afterAll(async () => Promise.all([kept.close(), forever.close()]));

const stored = (table: LocalTable, executionId: string, seq: number) =>
  table.db.send(new GetCommand({ TableName: table.tableName, Key: { pk: auditKeys.pk(executionId), sk: auditKeys.sk(seq) } })).then((r) => r.Item);

describe('AUDIT_RETENTION_DAYS', () => {
  it('writes expiresAt, in epoch seconds, retention days after the entry', async () => {
    const entry = await kept.audit.append({ executionId: 'exec-retained', workflowId: 'w', kind: 'message', actor: 'agent', detail: {} });
    const item = await stored(kept, 'exec-retained', entry.seq);
    expect(item?.[TTL_ATTRIBUTE]).toBe(Math.floor(Date.parse(entry.at) / 1000) + 30 * 86_400);
  });

  it('writes no expiresAt when no retention is set', async () => {
    const entry = await forever.audit.append({ executionId: 'exec-forever', workflowId: 'w', kind: 'message', actor: 'agent', detail: {} });
    expect(await stored(forever, 'exec-forever', entry.seq)).not.toHaveProperty(TTL_ATTRIBUTE);
  });
});
