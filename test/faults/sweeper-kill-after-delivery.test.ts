import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { FOLLOW_UP_LEASE_MS } from '#usecases/perform-follow-ups';
import { verifyAudit } from '#usecases/verify-audit';
import { ManualClock } from '../support/fixtures.ts';
import { recordDeliveries, type DeliveryLog } from '../support/fault-injection.ts';
import { startPausedExecutions } from '../support/paused-executions.ts';
import { runSweeperProcess } from '../support/sweeper-process-runner.ts';

let app: LocalApp;
let deliveries: DeliveryLog;
const clock = new ManualClock(new Date());
beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [], clock });
  deliveries = recordDeliveries(app.engine);
});
afterAll(async () => {
  deliveries.restore();
  await app.close();
});

describe('the sweeper process is killed after the workflow took a timeout, before the write that records it', () => {
  it('leaves the delivery and its follow-ups to the next runs: each workflow resumes once, each timeout is audited once, nothing stays owed', async () => {
    // Prepare: five expired requests of paused executions
    const paused = await startPausedExecutions(app, 5, { hitl: { timeoutSeconds: 5 } });
    clock.advance(6_000);

    // Act: one expiry at a time, the sweeper dies (SIGKILL) as SendTaskSuccess of its third timeout
    // returns, so that timeout's delivered mark, which also marks its follow-ups done, is never
    // written; then the next runs, after the delivery lease and after the follow-ups' lease
    const killed = await runSweeperProcess(app, clock, { dieAfterDeliveries: 3, concurrency: 1 });
    const afterKill = await Promise.all(paused.map((p) => app.deps.store.get(p.requestId)));
    clock.advance(31_000);
    const next = await app.sweep();
    clock.advance(FOLLOW_UP_LEASE_MS);
    await app.sweep();
    const last = await app.sweep();

    // Assess: it died where it was told to
    expect(killed, killed.output).toMatchObject({ signal: 'SIGKILL' });
    expect(afterKill.map((r) => `${r?.status}/${r?.delivery ?? '-'}`).sort()).toEqual([
      'pending/-', 'pending/-', 'timed_out/delivered', 'timed_out/delivered', 'timed_out/pending',
    ]);
    expect(next.timedOut).toBe(2);
    expect(last).toMatchObject({ timedOut: 0, delivered: 0, workflowGone: 0, repaired: 0, failed: 0 });
    expect((await app.deps.store.listOwed(new Date(clock.now().getTime() + 3_600_000), 100)).ids).toEqual([]);
    // ... and every request is settled once
    for (const p of paused) {
      const execution = await app.engine.waitForExecution(p.executionArn, 30_000);
      const stored = await app.deps.store.get(p.requestId);
      expect(execution.status).toBe('SUCCEEDED');
      expect((execution.output as { approval: { outcome: string } }).approval.outcome).toBe('timed_out');
      expect(deliveries.acceptedFor(p.taskToken)).toBe(1);
      expect(stored).toMatchObject({ status: 'timed_out' });
      expect(stored?.delivery === 'delivered' || stored?.delivery === 'workflow_gone').toBe(true);
      expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
      expect(await app.deps.store.owedFollowUps(p.requestId)).toEqual([]);
      const chain = await app.deps.audit.chain(p.executionArn);
      expect(chain.filter((e) => e.kind === 'timeout')).toHaveLength(1);
      expect((await verifyAudit(app.deps, p.executionArn)).ok).toBe(true);
    }
  }, 180_000);
});
