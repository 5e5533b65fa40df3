import '../local/polyfills.ts';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { AuditRepository } from '#adapters/dynamodb/audit-repository';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { RequestRepository } from '#adapters/dynamodb/request-repository';
import { NotFoundError } from '#core/errors';
import { verifyAudit } from '#usecases/verify-audit';
import { secretsManagerSecret } from '../../lambdas/channels/secrets/secrets-manager.ts';
import { localAuditKey } from '../local/audit-key.ts';
import { startLocalDynamo } from '../local/dynamodb.ts';
import { LOCAL_TABLE_NAME } from '../local/app.ts';
import { resolveExecutionArn } from './resolve-execution.ts';

const USAGE = `usage: npm run audit:verify -- --execution <execution id or ARN>
  Verifies the keyed chain of one execution's audit log, names the first broken entry, and names
  every state change of its requests that has no entry.
  Locally it reads the data folder (HITL_DATA_DIR, default .hitl-local; stop npm start first) and the
  audit key from HITL_AUDIT_KEY or the data folder.
  Against AWS, set TABLE_NAME and AUDIT_KEY_SECRET_ARN (and the usual AWS credentials and region).
Exit status: 0 intact, 1 broken or entries missing, 2 usage error or unknown execution.`;

/** Runs the command with `argv` and `env`, writing to `out`/`err`; resolves to the exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, out = console.log, err = console.error): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { execution: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help || !values.execution) {
    err(USAGE);
    return values.help ? 0 : 2;
  }
  const tableName = env.TABLE_NAME;
  if (tableName && !env.AUDIT_KEY_SECRET_ARN) {
    err('AUDIT_KEY_SECRET_ARN must name the audit key secret (the stack output AuditKeySecretArn)');
    return 2;
  }
  const dataDir = resolve(env.HITL_DATA_DIR ?? '.hitl-local');
  const local = tableName ? undefined : await startLocalDynamo({ path: join(dataDir, 'dynamodb') });
  const db = createDocumentClient(local ? local.clientConfig : {});
  try {
    const table = tableName ?? LOCAL_TABLE_NAME;
    const key = tableName
      ? secretsManagerSecret(env.AUDIT_KEY_SECRET_ARN!)
      : localAuditKey({ ...(env.HITL_AUDIT_KEY !== undefined ? { configured: env.HITL_AUDIT_KEY } : {}), dataDir });
    const executionId = await resolveExecutionArn(db, table, values.execution);
    const verdict = await verifyAudit({ audit: new AuditRepository(db, table, { key }), store: new RequestRepository(db, table) }, executionId);
    if (verdict.ok) {
      out(`audit chain of ${executionId}: ${verdict.entries} entries, intact${verdict.owed ? ` (${verdict.owed} owed, written by the next sweep)` : ''}`);
      return 0;
    }
    out(`audit chain of ${executionId} is BROKEN at entry ${verdict.brokenAt}: ${verdict.problem}`);
    for (const missing of verdict.missing) out(`  missing_entry: request ${missing.requestId}, ${missing.event} at ${missing.at} (${missing.eventId})`);
    return 1;
  } catch (error) {
    if (error instanceof NotFoundError) {
      err(`unknown execution ${values.execution}: ${error.message}`);
      return 2;
    }
    if ((error as Error)?.name === 'ResourceNotFoundException') {
      err(tableName ? `table ${tableName} not found` : `no approvals table in ${dataDir}: run npm start once, or set HITL_DATA_DIR`);
      return 2;
    }
    throw error;
  } finally {
    db.destroy();
    await local?.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(2);
    },
  );
}
