import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLE_NAME } from '#local/app';
import { startLocalDynamo } from '#local/dynamodb';
import { ADMIN, call, eventually, REQUESTER } from '../support/http.ts';
import { startLocalServerProcess, type LocalServerProcess } from '../support/local-server-process.ts';

const REPORT = `quarterly report: ${'r'.repeat(400_000)} (end of report)`;

const dirs: string[] = [];
const servers: LocalServerProcess[] = [];
const reports: Server[] = [];
afterAll(async () => {
  for (const server of servers) await server.kill();
  for (const server of reports) server.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** An HTTP endpoint that answers a 400 KB report and records the idempotency key of every call. */
async function reportServer(): Promise<{ url: string; keys: string[] }> {
  const keys: string[] = [];
  const server: Server = createServer((req, res) => {
    keys.push(String(req.headers['idempotency-key']));
    req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ report: REPORT })));
  });
  reports.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/report`, keys };
}

/** Saves the `fetch_report` tool and a flow of one ungated node calling it (then `then`, if given), and deploys the flow. */
async function deployReportFlow(url: string, reportUrl: string, then: Record<string, unknown>[] = []): Promise<void> {
  const tool = await call(url, 'PUT', '/tools/fetch_report', {
    as: ADMIN,
    body: {
      description: 'Fetches the quarterly report',
      argsSchema: { type: 'object', properties: {}, additionalProperties: false },
      delivery: 'idempotent',
      http: { method: 'POST', url: reportUrl, timeoutMs: 5_000, maxResponseBytes: 1_000_000 },
    },
  });
  expect(tool.status, tool.text).toBe(201);
  const nodes = [{ id: 'fetch', type: 'tool', tool: 'fetch_report', args: {}, hitl: { mode: 'disabled' } }, ...then];
  const flow = { name: 'Report fetcher', nodes, edges: nodes.slice(1).map((node, i) => ({ from: nodes[i]!.id, to: node.id })) };
  const saved = await call(url, 'PUT', '/flows/report-fetcher', { body: flow, as: ADMIN });
  expect(saved.status, saved.text).toBe(201);
  const deployed = await call(url, 'POST', '/flows/report-fetcher/deploy', { body: { revisionId: saved.body.revision.revision }, as: ADMIN });
  expect(deployed.status, deployed.text).toBe(200);
}

/** The stored-payload items of one execution, read from the stopped server's data folder. */
async function payloadItemsOf(dataDir: string, executionId: string): Promise<{ pk: string; sk: string }[]> {
  const dynamo = await startLocalDynamo({ path: join(dataDir, 'dynamodb') });
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(dynamo.clientConfig));
  try {
    const items: { pk: string; sk: string }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new ScanCommand({
          TableName: LOCAL_TABLE_NAME,
          FilterExpression: 'begins_with(pk, :prefix)',
          ExpressionAttributeValues: { ':prefix': `PAYLOAD#${executionId}#` },
          ProjectionExpression: 'pk, sk',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...((page.Items ?? []) as { pk: string; sk: string }[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  } finally {
    db.destroy();
    await dynamo.close();
  }
}

describe('the server is killed after a flow step stored a large value, before the step returned', () => {
  it('finishes the execution with the whole value, re-runs the idempotent tool under its one key, and stores each value once', async () => {
    // Prepare: `npm start` whose flow steps stall right after their first large value is stored
    const dir = mkdtempSync(join(tmpdir(), 'hitl-large-state-crash-'));
    dirs.push(dir);
    const endpoint = await reportServer();
    const first = await startLocalServerProcess(dir, { HITL_FAULT_STALL_AFTER_PAYLOAD_WRITE: '1' });
    servers.push(first);
    await deployReportFlow(first.url, endpoint.url);

    // Act: the tool answers 400 KB; its result is stored apart, then the step stalls and the server is killed
    const started = await call(first.url, 'POST', '/flows/report-fetcher/executions', { body: { input: { message: 'fetch the report' } }, as: REQUESTER });
    expect(started.status, started.text).toBe(201);
    const executionId: string = started.body.executionId;
    await eventually(async () => (first.output().includes(`for ${executionId}; stalling`) ? true : undefined), 60_000, 'the stall after the payload write');
    await first.kill();
    const second = await startLocalServerProcess(dir);
    servers.push(second);
    const done = await eventually(async () => {
      const execution = (await call(second.url, 'GET', `/executions/${executionId}`, { as: REQUESTER })).body;
      return execution.status === 'succeeded' ? execution : undefined;
    }, 60_000, `execution ${executionId} to succeed`);
    await second.stop();
    const items = await payloadItemsOf(dir, executionId);

    // Assess: the execution ends with the whole report in its conversation...
    const turn = done.conversation.find((t: { role: string }) => t.role === 'tool');
    expect(JSON.parse(turn.content)).toEqual({ status: 'ok', result: { report: REPORT } });
    // ...the idempotent tool ran again after the crash under the same key (its provider dedupes on it)...
    expect(endpoint.keys).toHaveLength(2);
    expect(new Set(endpoint.keys)).toEqual(new Set([`${executionId}/fetch/fetch`]));
    // ...and each stored value is there once: the report (from the tool-run record) and the tool's turn, two chunks each.
    const partitions = new Map<string, string[]>();
    for (const item of items) partitions.set(item.pk, [...(partitions.get(item.pk) ?? []), item.sk]);
    expect(partitions.size).toBe(2);
    expect([...partitions.values()].map((chunks) => chunks.sort())).toEqual([
      ['CHUNK#0000', 'CHUNK#0001'],
      ['CHUNK#0000', 'CHUNK#0001'],
    ]);
  }, 300_000);

  it('resumes an execution paused with stored values after a restart, and finishes it with the whole report', async () => {
    // Prepare: the report, then a mail that waits for a person
    const dir = mkdtempSync(join(tmpdir(), 'hitl-large-state-restart-'));
    dirs.push(dir);
    const endpoint = await reportServer();
    const first = await startLocalServerProcess(dir);
    servers.push(first);
    const mail = { id: 'mail', type: 'tool', tool: 'send_email', args: { to: 'cfo@example.com', subject: 'Report', body: 'The report is in.' }, hitl: { mode: 'blocking', approvers: { groups: ['approvers'] } } };
    await deployReportFlow(first.url, endpoint.url, [mail]);
    const started = await call(first.url, 'POST', '/flows/report-fetcher/executions', { body: { input: { message: 'fetch the report' } }, as: REQUESTER });
    const executionId: string = started.body.executionId;
    const waiting = await eventually(async () => {
      const execution = (await call(first.url, 'GET', `/executions/${executionId}`, { as: REQUESTER })).body;
      return execution.status === 'waiting_for_approval' ? execution : undefined;
    }, 60_000, 'the gate');

    // Act: kill -9 while it waits, start again, approve
    await first.kill();
    const second = await startLocalServerProcess(dir);
    servers.push(second);
    const approved = await call(second.url, 'POST', `/approvals/${waiting.pendingApprovalIds[0]}/respond`, { body: { decision: 'approve' } });
    const done = await eventually(async () => {
      const execution = (await call(second.url, 'GET', `/executions/${executionId}`, { as: REQUESTER })).body;
      return execution.status === 'succeeded' ? execution : undefined;
    }, 60_000, `execution ${executionId} to succeed`);
    await second.stop();

    // Assess
    expect(approved.status, approved.text).toBe(200);
    const report = done.conversation.find((t: { toolName?: string }) => t.toolName === 'fetch_report');
    expect(JSON.parse(report.content)).toEqual({ status: 'ok', result: { report: REPORT } });
    expect(JSON.stringify(done.conversation)).toContain('send_email');
    expect(endpoint.keys).toHaveLength(1);
  }, 300_000);
});
