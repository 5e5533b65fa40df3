import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APPROVER_MAIL_SUFFIX } from '#local/channels-module';
import { ADMIN, call, eventually, REQUESTER } from '../support/http.ts';
import { startLocalServerProcess, type LocalServerProcess } from '../support/local-server-process.ts';

const dirs: string[] = [];
const servers: LocalServerProcess[] = [];
afterAll(async () => {
  for (const server of servers) await server.kill();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const FLOWS = 6;

interface Listed {
  readonly id: string;
  readonly executionId: string;
  readonly events: { type: string; actor: string; detail?: { reason?: string; recipients?: string[] } }[];
}

async function pending(url: string, count: number): Promise<Listed[]> {
  return eventually(async () => {
    const page = await call(url, 'GET', '/approvals?limit=100&workflow=support-agent', { as: ADMIN });
    return page.body.items?.length === count ? wholeRequests(url, page.body.items) : undefined;
  }, 30_000, `${count} pending approvals`);
}

/** The listed requests in whole (a listing shows summaries, without their history). */
async function wholeRequests(url: string, listed: { id: string }[]): Promise<Listed[]> {
  return Promise.all(listed.map(async (item) => (await call(url, 'GET', `/approvals/${item.id}`, { as: ADMIN })).body as Listed));
}

async function auditOf(url: string, executionId: string): Promise<{ kind: string; requestId?: string }[]> {
  const page = await call(url, 'GET', `/audit?execution=${encodeURIComponent(executionId)}&limit=100`, { as: ADMIN });
  expect(page.status).toBe(200);
  return page.body.items;
}

/** The approver notices in the outbox that name the request (the email channel writes one per recipient). */
function noticesFor(dir: string, requestId: string): number {
  const outbox = join(dir, 'outbox');
  let files: string[] = [];
  try {
    files = readdirSync(outbox).filter((f) => f.endsWith(APPROVER_MAIL_SUFFIX));
  } catch {
    return 0;
  }
  return files.filter((f) => readFileSync(join(outbox, f), 'utf8').includes(requestId)).length;
}

describe('a gate killed between its request write and its follow-ups', () => {
  it('finishes every notification, audit entry and count exactly once after a kill -9 and a restart', async () => {
    // Prepare: npm start with gates that stop right after writing their request, as a crash there would
    const dir = mkdtempSync(join(tmpdir(), 'hitl-gate-follow-ups-'));
    dirs.push(dir);
    const first = await startLocalServerProcess(dir, { HITL_FAULT: 'gate-stalls-after-create' });
    servers.push(first);
    for (let i = 0; i < FLOWS; i++) {
      const started = await call(first.url, 'POST', '/flows/support-agent/executions', { body: { input: { message: `Email carol${i}@example.com our refund policy` } }, as: REQUESTER });
      expect(started.status).toBe(201);
    }
    const stalled = await pending(first.url, FLOWS);
    // The fault is where it should be: requests stored, nobody told, nothing audited
    for (const request of stalled) {
      expect(request.events.map((e) => e.type)).toEqual(['created']);
      expect((await auditOf(first.url, request.executionId)).filter((e) => e.kind === 'gate_paused')).toEqual([]);
    }

    // Act: kill the whole process group (no shutdown code runs), start again without the fault
    await first.kill();
    const second = await startLocalServerProcess(dir);
    servers.push(second);

    // Assess: the resumed gates (retries) finished what the first attempts owed, once each
    const settled = await eventually(async () => {
      const page = await call(second.url, 'GET', '/approvals?limit=100&workflow=support-agent', { as: ADMIN });
      const items = page.body.items?.length === FLOWS ? await wholeRequests(second.url, page.body.items) : [];
      return items.length === FLOWS && items.every((r) => r.events.some((e) => e.type === 'notified')) ? items : undefined;
    }, 30_000, 'every request notified');
    expect(settled.map((r) => r.id).sort()).toEqual(stalled.map((r) => r.id).sort());
    for (const request of settled) {
      expect(request.events.filter((e) => e.type === 'gate_retried')).toHaveLength(1);
      const notified = request.events.filter((e) => e.type === 'notified');
      // One history note per channel, each once
      expect(notified.length).toBeGreaterThan(0);
      expect(new Set(notified.map((e) => e.actor)).size).toBe(notified.length);
      expect(notified.every((e) => e.detail?.reason === 'created')).toBe(true);
      // One approver notice per recipient the email channel names, not one more
      const emailed = notified.find((e) => e.actor === 'channel:email');
      expect(emailed?.detail?.recipients?.length).toBeGreaterThan(0);
      expect(noticesFor(dir, request.id)).toBe(emailed!.detail!.recipients!.length);
      const entries = await auditOf(second.url, request.executionId);
      expect(entries.filter((e) => e.kind === 'gate_paused' && e.requestId === request.id)).toHaveLength(1);
      const verdict = await call(second.url, 'GET', `/audit/verify?execution=${encodeURIComponent(request.executionId)}`, { as: ADMIN });
      expect(verdict.body).toMatchObject({ ok: true, missing: [], owed: 0 });
    }

    // And the decisions that follow are counted once each
    for (const request of settled) {
      expect((await call(second.url, 'POST', `/approvals/${request.id}/respond`, { body: { decision: 'approve' } })).status).toBe(200);
    }
    const stats = await call(second.url, 'GET', '/stats', { as: ADMIN });
    const counted = stats.body.items.filter((row: { workflowId: string }) => row.workflowId === 'support-agent');
    expect(counted.reduce((sum: number, row: { approved: number }) => sum + row.approved, 0)).toBe(FLOWS);
    await second.stop();
  }, 120_000);
});
