import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalApp } from '#local/app';
import { call, eventually, REQUESTER } from '../support/http.ts';
import { startLocalServerProcess, type LocalServerProcess } from '../support/local-server-process.ts';

const dirs: string[] = [];
const servers: LocalServerProcess[] = [];
afterAll(async () => {
  for (const server of servers) await server.kill();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hitl-restart-'));
  dirs.push(dir);
  return dir;
}

/** Starts the support-agent flow as alice with a message that makes it want to send an email (a gated tool). */
async function startFlows(url: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const started = await call(url, 'POST', '/flows/support-agent/executions', { body: { input: { message: `Email carol${i}@example.com our refund policy` } }, as: REQUESTER });
    expect(started.status).toBe(201);
    ids.push(started.body.executionId);
  }
  return ids;
}

async function pendingFor(url: string, count: number): Promise<{ id: string; executionId: string }[]> {
  return eventually(async () => {
    const page = await call(url, 'GET', '/approvals?limit=100&workflow=support-agent');
    return page.body.items?.length === count ? page.body.items : undefined;
  }, 20_000, `${count} pending approvals`);
}

describe('the local server restarts while requests are pending', () => {
  it('lists them all after a SIGKILL and a restart of npm start, and their decisions resume the flows', async () => {
    // Prepare: `npm start` on a data folder, four flow executions paused at their email gate, one decided
    const dir = dataDir();
    const first = await startLocalServerProcess(dir);
    servers.push(first);
    await startFlows(first.url, 4);
    const before = await pendingFor(first.url, 4);
    const decidedBefore = await call(first.url, 'POST', `/approvals/${before[0].id}/respond`, { body: { decision: 'reject', reason: 'not today' } });
    expect(decidedBefore.status).toBe(200);

    // Act: kill the whole process group (no shutdown code runs), then start npm start again on the same data
    await first.kill();
    const second = await startLocalServerProcess(dir);
    servers.push(second);

    // Assess: the three still pending are listed, the decided one is not, and each is answerable
    const after = await pendingFor(second.url, 3);
    expect(after.map((r) => r.id).sort()).toEqual(before.slice(1).map((r) => r.id).sort());
    expect((await call(second.url, 'GET', `/approvals/${before[0].id}`)).body).toMatchObject({ status: 'rejected', delivery: 'delivered' });
    for (const request of after) {
      const decided = await call(second.url, 'POST', `/approvals/${request.id}/respond`, { body: { decision: 'approve' } });
      expect(decided.status).toBe(200);
      expect(decided.body.delivery).toBe('delivered');
      // The flow went on past the gate on the restarted engine
      await eventually(async () => {
        const execution = await call(second.url, 'GET', `/executions/${request.executionId}`);
        return execution.body.status === 'succeeded' ? execution : undefined;
      }, 20_000, `execution ${request.executionId} to finish`);
    }
    await second.stop();
  }, 90_000);

  it('keeps approval-gate requests listed and answerable across a clean restart; the caller learns the engine lost the workflow', async () => {
    // Prepare
    const dir = dataDir();
    const app = await startLocalApp({ dataDir: dir, sweepIntervalMs: 0, modules: [] });
    const workflowId = `restart-${Date.now()}`;
    const { executionArn } = await app.engine.startExecution(app.stateMachines.approvalGate, {
      workflowId, nodeId: 'agent', step: '1', channel: 'async',
      hitl: { mode: 'blocking', approvers: { groups: ['approvers'] } },
      action: { kind: 'message', text: 'Refund approved for order 42.' },
      context: { conversation: [], facts: {} }, requestedBy: 'alice', gateTimeoutSeconds: 3600,
    });
    const [listed] = await eventually(async () => {
      const page = await call(app.url, 'GET', `/approvals?workflow=${workflowId}`);
      return page.body.items?.length ? page.body.items : undefined;
    });
    // Act
    await app.close();
    const restarted = await startLocalApp({ dataDir: dir, sweepIntervalMs: 0, modules: [] });
    try {
      const page = await call(restarted.url, 'GET', `/approvals?workflow=${workflowId}`);
      const decided = await call(restarted.url, 'POST', `/approvals/${listed.id}/respond`, { body: { decision: 'approve' } });
      // Assess: listed as before; the approval-gate machine keeps no checkpoint, so the new engine cannot
      // resume its execution (flows can: see above). The decision is recorded and the caller told so.
      expect(page.body.items.map((r: { id: string }) => r.id)).toEqual([listed.id]);
      expect(decided.status).toBe(410);
      expect(await restarted.deps.store.get(listed.id)).toMatchObject({ status: 'approved', delivery: 'workflow_gone', executionId: executionArn });
    } finally {
      await restarted.close();
    }
  });
});
