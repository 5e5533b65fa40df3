import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, eventually, REQUESTER } from '../support/http.ts';
import { startLocalServerProcess, type LocalServerProcess } from '../support/local-server-process.ts';
import { inPool } from '../support/paused-executions.ts';

const EXECUTIONS = 16;
const CONCURRENCY = 8;
// Far below the 5-minute lease a crashed run's claim used to hold, far above a busy machine's restart.
const SETTLE_MS = 60_000;

const dirs: string[] = [];
const servers: LocalServerProcess[] = [];
afterAll(async () => {
  for (const server of servers) await server.kill();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Mail {
  readonly to: string;
  readonly key: string;
  readonly executionId: string;
}

/** The agent's mails in the outbox, with the headers the send_email tool sets. */
function agentMails(outbox: string): Mail[] {
  let files: string[];
  try {
    files = readdirSync(outbox).filter((file) => file.endsWith('.eml'));
  } catch {
    return [];
  }
  return files.map((file) => {
    const raw = readFileSync(join(outbox, file), 'utf8');
    const header = (name: string) => new RegExp(`^${name}: (.*?)\\r?$`, 'im').exec(raw)?.[1] ?? '';
    return { to: header('To'), key: header('X-Hitl-Idempotency-Key'), executionId: header('X-Hitl-Execution-Id') };
  });
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return counts;
}

async function pendingApprovals(url: string, count: number): Promise<{ id: string; executionId: string; step: string }[]> {
  return eventually(async () => {
    const page = await call(url, 'GET', '/approvals?limit=100&workflow=support-agent');
    return page.body.items?.length === count ? page.body.items : undefined;
  }, 60_000, `${count} pending approvals`);
}

describe('the server is killed while send_email runs', () => {
  it('sends no email twice, freezes no execution, and asks a person about every email that may have gone out', async () => {
    // Prepare: `npm start` whose send_email stalls right after the outbox took the mail (the crash
    // window between the effect and its record), with executions paused before their email
    const dir = mkdtempSync(join(tmpdir(), 'hitl-tool-crash-'));
    dirs.push(dir);
    const outbox = join(dir, 'outbox');
    const first = await startLocalServerProcess(dir, { HITL_FAULT_STALL_AFTER_MAIL_SENT: '1' });
    servers.push(first);
    const executionIds = await inPool(EXECUTIONS, CONCURRENCY, async (i) => {
      const started = await call(first.url, 'POST', '/flows/support-agent/executions', { body: { input: { message: `Email crash${i}@example.com our refund policy` } }, as: REQUESTER });
      expect(started.status).toBe(201);
      return started.body.executionId as string;
    });
    const paused = await pendingApprovals(first.url, EXECUTIONS);

    // Act: approve them all at once, kill -9 once every mail is in the outbox, start again on the same data
    await inPool(paused.length, CONCURRENCY, async (i) => {
      const request = paused[i];
      const decided = await call(first.url, 'POST', `/approvals/${request.id}/respond`, { body: { decision: 'approve' } });
      expect(decided.status).toBe(200);
    });
    await eventually(async () => (agentMails(outbox).length === EXECUTIONS ? true : undefined), 60_000, `${EXECUTIONS} mails in the outbox`);
    await first.kill();
    const second = await startLocalServerProcess(dir);
    servers.push(second);

    // Assess: within a bounded wait (no lease), every execution waits for a person again...
    const asked = await pendingApprovals(second.url, EXECUTIONS);
    const statuses = await eventually(async () => {
      const all = await Promise.all(executionIds.map(async (id) => (await call(second.url, 'GET', `/executions/${id}`, { as: REQUESTER })).body.status as string));
      return all.every((status) => status === 'waiting_for_approval') ? all : undefined;
    }, SETTLE_MS, 'every execution to wait for a person');
    expect(statuses).toHaveLength(EXECUTIONS);
    // ...on a new request at the same node, for the same call, with the evidence of the interrupted run
    const original = new Map(paused.map((request) => [request.executionId, request]));
    for (const request of asked) {
      const before = original.get(request.executionId)!;
      expect(request.id).not.toBe(before.id);
      const full = (await call(second.url, 'GET', `/approvals/${request.id}`)).body;
      expect(full).toMatchObject({
        step: `${before.step}#unknown`,
        status: 'pending',
        action: { kind: 'tool_call', toolCall: { name: 'send_email' } },
        policy: { id: 'delivery:at_most_once', why: expect.stringContaining('may or may not') },
        context: { facts: { outcomeUnknown: { tool: 'send_email', idempotencyKey: before.id, startedAt: expect.any(String), attempt: expect.any(String) } } },
      });
    }
    // ...and no mail went out twice
    const mails = agentMails(outbox);
    expect(mails).toHaveLength(EXECUTIONS);
    expect(Math.max(...countBy(mails, (mail) => mail.to).values())).toBe(1);
    expect(Math.max(...countBy(mails, (mail) => mail.key).values())).toBe(1);

    // Act again: one approver sends one email again, the others leave theirs
    const [again, ...left] = asked;
    expect((await call(second.url, 'POST', `/approvals/${again.id}/respond`, { body: { decision: 'approve' } })).status).toBe(200);
    await inPool(left.length, CONCURRENCY, async (i) => {
      const request = left[i];
      expect((await call(second.url, 'POST', `/approvals/${request.id}/respond`, { body: { decision: 'reject', reason: 'it went out' } })).status).toBe(200);
    });

    // Assess: every execution ends; the approved one sent under the new request's key, the rest sent nothing more
    const ended = await Promise.all(
      executionIds.map((id) =>
        eventually(async () => {
          const execution = (await call(second.url, 'GET', `/executions/${id}`, { as: REQUESTER })).body;
          return execution.status === 'succeeded' ? execution : undefined;
        }, SETTLE_MS, `execution ${id} to succeed`),
      ),
    );
    const after = agentMails(outbox);
    expect(after).toHaveLength(EXECUTIONS + 1);
    expect(after.filter((mail) => mail.key === again.id)).toHaveLength(1);
    expect(Math.max(...countBy(after, (mail) => mail.key).values())).toBe(1);
    const leftOne = ended.find((execution) => execution.executionId === left[0].executionId);
    expect(JSON.stringify(leftOne.conversation)).toContain('It was not run again');
    await second.stop();
  }, 300_000);
});
