import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { requestChainId } from '#core/audit-chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKeys } from '#adapters/dynamodb/audit-repository';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { LOCAL_TABLE_NAME, startLocalApp } from '#local/app';
import { startLocalDynamo } from '#local/dynamodb';
import { main } from '../../infra/cli/audit-verify.ts';
import { call, eventually } from '../support/http.ts';
import { hitl } from '../support/fixtures.ts';

let dir: string;
let executionArn: string;
let requestId: string;
beforeAll(async () => {
  // Prepare: a data folder holding one decided request (entries gate_paused and decision), server stopped
  dir = mkdtempSync(join(tmpdir(), 'hitl-audit-cli-'));
  const app = await startLocalApp({ dataDir: dir, sweepIntervalMs: 0, modules: [] });
  try {
    ({ executionArn } = await app.engine.startExecution(app.stateMachines.approvalGate, {
      workflowId: 'cli', nodeId: 'pay', step: '1', channel: 'async', hitl: hitl(),
      action: { kind: 'message', text: 'Refund approved for order 42.' },
      context: { conversation: [], facts: {} }, requestedBy: 'alice', gateTimeoutSeconds: 3600,
    }));
    const [listed] = await eventually(async () => {
      const page = await call(app.url, 'GET', '/approvals?workflow=cli');
      return page.body.items?.length ? page.body.items : undefined;
    });
    requestId = listed.id;
    expect((await call(app.url, 'POST', `/approvals/${listed.id}/respond`, { body: { decision: 'approve' } })).status).toBe(200);
  } finally {
    await app.close();
  }
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command's main with the data folder, collecting what it prints. */
async function verifyCli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { HITL_DATA_DIR: dir }, (line) => out.push(String(line)), (line) => err.push(String(line)));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run audit:verify', () => {
  it('exits 0 and says the chain is intact', async () => {
    const result = await verifyCli('--execution', executionArn);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/2 entries, intact/);
  });

  it('exits 2 with a message for an execution it knows nothing about', async () => {
    const result = await verifyCli('--execution', 'arn:aws:states:local:000000000000:execution:none:missing');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/unknown execution .*none:missing/);
  });

  it('exits 2 with its usage without --execution', async () => {
    const result = await verifyCli();
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/usage: npm run audit:verify/);
  });

  it('exits 1 and names the broken entry after the table was edited', async () => {
    // Act: rewrite an entry's actor directly in the stored table, as someone with table access could
    const dynamo = await startLocalDynamo({ path: join(dir, 'dynamodb') });
    const db = createDocumentClient(dynamo.clientConfig);
    try {
      await db.send(new UpdateCommand({
        TableName: LOCAL_TABLE_NAME,
        // The decision: entry 2 of the request's own chain
        Key: { pk: auditKeys.pk(executionArn), sk: auditKeys.chainSk(requestChainId(requestId), 2) },
        UpdateExpression: 'SET actor = :a',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':a': 'mallory' },
      }));
    } finally {
      db.destroy();
      await dynamo.close();
    }
    // Assess
    const result = await verifyCli('--execution', executionArn);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/BROKEN at entry 2: entry 2 was changed after it was written/);
  });
});
