import { describe, expect, it } from 'vitest';
import { localAppOnManualClock } from '../support/manual-clock-app.ts';
import { startPausedExecutions } from '../support/paused-executions.ts';
import { runSweeperProcess } from '../support/sweeper-process-runner.ts';

const local = localAppOnManualClock();
const { clock } = local;

describe('the sweeper process is killed half way through a batch', () => {
  it('finishes the batch on the next run: every request times out and every workflow resumes exactly once', async () => {
    // Prepare: three expired requests of paused executions
    const paused = await startPausedExecutions(local.app, 3, { hitl: { timeoutSeconds: 5 } });
    clock.advance(6_000);

    // Act: the sweeper process is killed (SIGKILL) right after its second timeout write lands, before
    // that request's audit entry and delivery; then the next run, after the dead run's delivery lease
    // (one expiry at a time, so the point of death is exact)
    const killed = await runSweeperProcess(local.app, clock, { dieAfterTransitions: 2, concurrency: 1 });
    const afterKill = await Promise.all(paused.map((p) => local.app.deps.store.get(p.requestId)));
    clock.advance(31_000);
    const next = await local.app.sweep();

    // Assess: it died where it was told to, with one request delivered, one half done and one untouched
    expect(killed, killed.output).toMatchObject({ signal: 'SIGKILL' });
    expect(afterKill.map((r) => `${r?.status}/${r?.delivery ?? '-'}`).sort()).toEqual(['pending/-', 'timed_out/delivered', 'timed_out/pending']);
    expect(next).toMatchObject({ timedOut: 1, delivered: 2 });
    for (const p of paused) {
      const execution = await local.app.engine.waitForExecution(p.executionArn, 30_000);
      const stored = await local.app.deps.store.get(p.requestId);
      expect(execution.status).toBe('SUCCEEDED');
      expect((execution.output as { approval: { outcome: string } }).approval.outcome).toBe('timed_out');
      expect(local.deliveries.acceptedFor(p.taskToken)).toBe(1);
      expect(stored).toMatchObject({ status: 'timed_out', delivery: 'delivered' });
      expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
    }
  }, 120_000);
});
