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

const FLOWS = 4;

interface Whole {
  readonly id: string;
  readonly executionId: string;
  readonly events: { type: string; actor: string; detail?: { reason?: string; recipients?: string[] } }[];
}

async function wholeRequests(url: string): Promise<Whole[]> {
  const page = await call(url, 'GET', '/approvals?limit=100&workflow=support-agent', { as: ADMIN });
  const listed: { id: string }[] = page.body.items ?? [];
  return Promise.all(listed.map(async (item) => (await call(url, 'GET', `/approvals/${item.id}`, { as: ADMIN })).body as Whole));
}

/** The approver notices in the outbox that name the request (the email channel writes one per recipient). */
function noticesFor(dir: string, requestId: string): number {
  const outbox = join(dir, 'outbox');
  const files = readdirSync(outbox).filter((f) => f.endsWith(APPROVER_MAIL_SUFFIX));
  return files.filter((f) => readFileSync(join(outbox, f), 'utf8').includes(requestId)).length;
}

describe('a gate killed after its notice went out, before the write that notes it and marks its follow-ups done', () => {
  it('notes each channel\'s notice once and finishes its audit entry once after a kill -9 and a restart', async () => {
    // Prepare: npm start with gates that stop after notifying and storing their audit entry
    const dir = mkdtempSync(join(tmpdir(), 'hitl-gate-notice-crash-'));
    dirs.push(dir);
    const first = await startLocalServerProcess(dir, { HITL_FAULT: 'gate-stalls-after-notice' });
    servers.push(first);
    for (let i = 0; i < FLOWS; i++) {
      const started = await call(first.url, 'POST', '/flows/support-agent/executions', { body: { input: { message: `Email carol${i}@example.com our refund policy` } }, as: REQUESTER });
      expect(started.status).toBe(201);
    }
    // The fault is where it should be: every approver told, the notice not yet noted, the follow-ups still owed
    const stalled = await eventually(async () => {
      const items = await wholeRequests(first.url);
      return items.length === FLOWS && items.every((r) => noticesFor(dir, r.id) > 0) ? items : undefined;
    }, 30_000, `${FLOWS} requests whose approvers were told`);
    for (const request of stalled) expect(request.events.map((e) => e.type)).toEqual(['created']);
    const firstNotices = new Map(stalled.map((r) => [r.id, noticesFor(dir, r.id)]));

    // Act: kill the whole process group (no shutdown code runs), start again without the fault
    await first.kill();
    const second = await startLocalServerProcess(dir);
    servers.push(second);

    // Assess: each resumed gate (a retry) took the follow-ups over and noted its notice once per channel
    const settled = await eventually(async () => {
      const items = await wholeRequests(second.url);
      return items.length === FLOWS && items.every((r) => r.events.some((e) => e.type === 'gate_retried') && r.events.some((e) => e.type === 'notified')) ? items : undefined;
    }, 30_000, 'every request retried and its notice noted');
    for (const request of settled) {
      const notified = request.events.filter((e) => e.type === 'notified');
      expect(notified.length).toBeGreaterThan(0);
      expect(new Set(notified.map((e) => e.actor)).size).toBe(notified.length);
      // The notice went out again (a crash inside a notification may repeat it, never lose it)
      const emailed = notified.find((e) => e.actor === 'channel:email');
      expect(noticesFor(dir, request.id)).toBe(firstNotices.get(request.id)! + emailed!.detail!.recipients!.length);
      const audit = await call(second.url, 'GET', `/audit?execution=${encodeURIComponent(request.executionId)}&limit=100`, { as: ADMIN });
      expect(audit.body.items.filter((e: { kind: string; requestId?: string }) => e.kind === 'gate_paused' && e.requestId === request.id)).toHaveLength(1);
      const verdict = await call(second.url, 'GET', `/audit/verify?execution=${encodeURIComponent(request.executionId)}`, { as: ADMIN });
      expect(verdict.body).toMatchObject({ ok: true, missing: [], owed: 0 });
    }
    await second.stop();
  }, 120_000);
});
