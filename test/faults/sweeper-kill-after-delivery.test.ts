import { describe, expect, it } from 'vitest';
import { FOLLOW_UP_LEASE_MS } from '#usecases/perform-follow-ups';
import { verifyAudit } from '#usecases/verify-audit';
import { localAppOnManualClock } from '../support/manual-clock-app.ts';
import { startPausedExecutions } from '../support/paused-executions.ts';
import { runSweeperProcess } from '../support/sweeper-process-runner.ts';

const local = localAppOnManualClock();
const { clock } = local;

describe('the sweeper process is killed after the workflow took a timeout, before the write that records it', () => {
  it('leaves the delivery and its follow-ups to the next runs: each workflow resumes once, each timeout is audited once, nothing stays owed', async () => {
    // Prepare: five expired requests of paused executions
    const paused = await startPausedExecutions(local.app, 5, { hitl: { timeoutSeconds: 5 } });
    clock.advance(6_000);

    // Act: one expiry at a time, the sweeper dies (SIGKILL) as SendTaskSuccess of its third timeout
    // returns, so that timeout's delivered mark, which also marks its follow-ups done, is never
    // written; then the next runs, after the delivery lease and after the follow-ups' lease
    const killed = await runSweeperProcess(local.app, clock, { dieAfterDeliveries: 3, concurrency: 1 });
    const afterKill = await Promise.all(paused.map((p) => local.app.deps.store.get(p.requestId)));
    clock.advance(31_000);
    const next = await local.app.sweep();
    clock.advance(FOLLOW_UP_LEASE_MS);
    await local.app.sweep();
    const last = await local.app.sweep();

    // Assess: it died where it was told to
    expect(killed, killed.output).toMatchObject({ signal: 'SIGKILL' });
    expect(afterKill.map((r) => `${r?.status}/${r?.delivery ?? '-'}`).sort()).toEqual([
      'pending/-', 'pending/-', 'timed_out/delivered', 'timed_out/delivered', 'timed_out/pending',
    ]);
    expect(next.timedOut).toBe(2);
    expect(last).toMatchObject({ timedOut: 0, delivered: 0, workflowGone: 0, repaired: 0, failed: 0 });
    expect((await local.app.deps.store.listOwed(new Date(clock.now().getTime() + 3_600_000), 100)).ids).toEqual([]);
    // ... and every request is settled once
    for (const p of paused) {
      const execution = await local.app.engine.waitForExecution(p.executionArn, 30_000);
      const stored = await local.app.deps.store.get(p.requestId);
      expect(execution.status).toBe('SUCCEEDED');
      expect((execution.output as { approval: { outcome: string } }).approval.outcome).toBe('timed_out');
      expect(local.deliveries.acceptedFor(p.taskToken)).toBe(1);
      expect(stored).toMatchObject({ status: 'timed_out' });
      expect(stored?.delivery === 'delivered' || stored?.delivery === 'workflow_gone').toBe(true);
      expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
      expect(await local.app.deps.store.owedFollowUps(p.requestId)).toEqual([]);
      const chain = await local.app.deps.audit.chain(p.executionArn);
      expect(chain.filter((e) => e.kind === 'timeout')).toHaveLength(1);
      expect((await verifyAudit(local.app.deps, p.executionArn)).ok).toBe(true);
    }
  }, 180_000);
});
