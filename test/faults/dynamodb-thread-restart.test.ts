import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, eventually, REQUESTER } from '../support/http.ts';
import { startLocalServerProcess, type LocalServerProcess } from '../support/local-server-process.ts';

const dirs: string[] = [];
const servers: LocalServerProcess[] = [];
afterAll(async () => {
  for (const server of servers) await server.kill();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function pendingIds(url: string, count: number): Promise<string[]> {
  const items = await eventually(async () => {
    const page = await call(url, 'GET', '/approvals?limit=100&workflow=support-agent');
    return page.body.items?.length === count ? (page.body.items as { id: string }[]) : undefined;
  }, 20_000, `${count} pending approvals`);
  return items.map((item) => item.id).sort();
}

describe('npm start with its DynamoDB in a worker thread, killed with SIGKILL', () => {
  it('keeps what its DynamoDB wrote, whichever thread wrote it and whichever reads it after the restart', async () => {
    // Prepare: a data folder written by a server whose DynamoDB runs in its main thread, then killed
    const dir = mkdtempSync(join(tmpdir(), 'hitl-dynamo-thread-restart-'));
    dirs.push(dir);
    const inMain = await startLocalServerProcess(dir, { HITL_DYNAMODB_THREAD: 'main' });
    servers.push(inMain);
    const flow = (url: string) => call(url, 'POST', '/flows/support-agent/executions', { body: { input: { message: 'Email carol@example.com our refund policy' } }, as: REQUESTER });
    expect((await flow(inMain.url)).status).toBe(201);
    const writtenInMain = await pendingIds(inMain.url, 1);
    await inMain.kill();

    // Act: the default server (DynamoDB in a worker thread) on the same folder adds one and is killed in turn
    const inWorker = await startLocalServerProcess(dir);
    servers.push(inWorker);
    expect(await pendingIds(inWorker.url, 1)).toEqual(writtenInMain);
    expect((await flow(inWorker.url)).status).toBe(201);
    const writtenInWorker = await pendingIds(inWorker.url, 2);
    await inWorker.kill();
    const after = await startLocalServerProcess(dir);
    servers.push(after);

    // Assess: both requests are there, and the server answers a decision on the one its killed predecessor wrote
    expect(await pendingIds(after.url, 2)).toEqual(writtenInWorker);
    const newest = writtenInWorker.find((id) => !writtenInMain.includes(id))!;
    const decided = await call(after.url, 'POST', `/approvals/${newest}/respond`, { body: { decision: 'reject', reason: 'not today' } });
    expect(decided.status).toBe(200);
    await after.stop();
  }, 120_000);
});
