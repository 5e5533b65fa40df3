import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { FOLLOW_UP_LEASE_MS } from '#usecases/perform-follow-ups';
import { verifyAudit } from '#usecases/verify-audit';
import { ManualClock } from '../support/fixtures.ts';
import { ADMIN, call, eventually, REQUESTER } from '../support/http.ts';
import { startLocalServerProcess, type LocalServerProcess } from '../support/local-server-process.ts';

const dirs: string[] = [];
const servers: LocalServerProcess[] = [];
const apps: LocalApp[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const server of servers) await server.kill();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('a responder killed -9 after SendTaskSuccess, before its audit entry', () => {
  it('leaves the entry owed, and the sweeper of the next process stores it exactly once', async () => {
    // Prepare: npm start whose decision entries never get stored, and one paused flow
    const dir = mkdtempSync(join(tmpdir(), 'hitl-respond-kill-'));
    dirs.push(dir);
    const server = await startLocalServerProcess(dir, { HITL_FAULT: 'decision-entry-stalls' });
    servers.push(server);
    const started = await call(server.url, 'POST', '/flows/support-agent/executions', { body: { input: { message: 'Email carol@example.com our refund policy' } }, as: REQUESTER });
    expect(started.status).toBe(201);
    const listed = await eventually(async () => {
      const page = await call(server.url, 'GET', '/approvals?limit=10&workflow=support-agent', { as: ADMIN });
      return page.body.items?.[0] as { id: string; executionId: string } | undefined;
    }, 30_000, 'a pending approval');

    // Act: the decision goes out and the responder hangs before its entry; kill the whole process group
    void call(server.url, 'POST', `/approvals/${listed.id}/respond`, { body: { decision: 'approve' } }).catch(() => undefined);
    await eventually(async () => (server.output().includes('faults: SendTaskSuccess accepted') ? true : undefined), 30_000, 'SendTaskSuccess');
    await server.kill();
    // The next process over the same data, with a clock past the dead responder's leases
    const clock = new ManualClock(new Date(Date.now() + FOLLOW_UP_LEASE_MS + 60_000));
    const app = await startLocalApp({ dataDir: dir, sweepIntervalMs: 0, modules: [], clock });
    apps.push(app);
    const left = await app.deps.store.owedFollowUps(listed.id);
    const before = await verifyAudit(app.deps, listed.executionId);
    await app.sweep();
    await app.sweep();

    // Assess: the kill left the decision stored and its entry owed, which verify reported as owed
    expect(left.map((f) => f.id)).toContain(`audit:${listed.id}/decision`);
    expect(before).toMatchObject({ ok: true, owed: 1, missing: [] });
    // ... and after the sweeps it is in the request's chain once, and nothing is owed
    const decisions = (await app.deps.audit.chain(listed.executionId)).filter((e) => e.kind === 'decision' && e.requestId === listed.id);
    expect(decisions).toHaveLength(1);
    expect(await verifyAudit(app.deps, listed.executionId)).toMatchObject({ ok: true, owed: 0, missing: [] });
    expect(await app.deps.store.owedFollowUps(listed.id)).toEqual([]);
    const stored = await app.deps.store.get(listed.id);
    expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
  }, 120_000);
});
