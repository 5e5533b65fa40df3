import '../local/polyfills.ts';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AuditRepository } from '#adapters/dynamodb/audit-repository';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { verifyAudit } from '#usecases/verify-audit';
import { startLocalDynamo } from '../local/dynamodb.ts';
import { LOCAL_TABLE_NAME } from '../local/app.ts';
import { resolveExecutionArn } from './resolve-execution.ts';

const USAGE = `usage: npm run audit:verify -- --execution <execution id or ARN>
  Verifies the hash chain of one execution's audit log and names the first broken entry.
  Locally it reads the data folder (HITL_DATA_DIR, default .hitl-local; stop npm start first).
  Against AWS, set TABLE_NAME (and the usual AWS credentials and region).`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { execution: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help || !values.execution) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const tableName = process.env.TABLE_NAME;
  const local = tableName ? undefined : await startLocalDynamo({ path: join(resolve(process.env.HITL_DATA_DIR ?? '.hitl-local'), 'dynamodb') });
  const db = createDocumentClient(local ? local.clientConfig : {});
  try {
    const table = tableName ?? LOCAL_TABLE_NAME;
    const executionId = await resolveExecutionArn(db, table, values.execution);
    const verdict = await verifyAudit(new AuditRepository(db, table), executionId);
    if (verdict.entries === 0) {
      console.log(`no audit entries for execution ${values.execution}`);
      return 1;
    }
    if (verdict.ok) {
      console.log(`audit chain of ${executionId}: ${verdict.entries} entries, intact`);
      return 0;
    }
    console.log(`audit chain of ${executionId} is BROKEN at entry ${verdict.brokenAt}: ${verdict.problem}`);
    return 1;
  } finally {
    db.destroy();
    await local?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
