import { describe, expect, it } from 'vitest';
import { FOLLOW_UP_LEASE_MS } from '#usecases/perform-follow-ups';
import { verifyAudit } from '#usecases/verify-audit';
import { localAppOnManualClock } from '../support/manual-clock-app.ts';
import { startPausedExecutions } from '../support/paused-executions.ts';
import { runSweeperProcess } from '../support/sweeper-process-runner.ts';

const local = localAppOnManualClock();
const { clock } = local;

describe('the sweeper process is killed with many expiries under way', () => {
  it('leaves nothing half done: every request times out once, every workflow resumes once, every timeout is audited once', async () => {
    // Prepare: twenty expired requests of paused executions
    const paused = await startPausedExecutions(local.app, 20, { hitl: { timeoutSeconds: 5 } });
    clock.advance(6_000);

    // Act: a sweeper running eight expiries at once is killed (SIGKILL) when its fifth timeout write
    // lands, with others in flight; then the next runs, after the dead run's leases
    const killed = await runSweeperProcess(local.app, clock, { dieAfterTransitions: 5, concurrency: 8 });
    const afterKill = await Promise.all(paused.map((p) => local.app.deps.store.get(p.requestId)));
    clock.advance(31_000);
    const next = await local.app.sweep();
    clock.advance(FOLLOW_UP_LEASE_MS);
    await local.app.sweep();
    const last = await local.app.sweep();

    // Assess
    expect(killed, killed.output).toMatchObject({ signal: 'SIGKILL' });
    expect(afterKill.filter((r) => r?.status === 'timed_out').length).toBeGreaterThanOrEqual(5);
    expect(afterKill.filter((r) => r?.status === 'pending').length).toBeGreaterThan(0);
    expect(next.timedOut).toBe(afterKill.filter((r) => r?.status === 'pending').length);
    expect(last).toMatchObject({ timedOut: 0, delivered: 0, repaired: 0, failed: 0 });
    for (const p of paused) {
      const execution = await local.app.engine.waitForExecution(p.executionArn, 30_000);
      const stored = await local.app.deps.store.get(p.requestId);
      expect(execution.status).toBe('SUCCEEDED');
      expect((execution.output as { approval: { outcome: string } }).approval.outcome).toBe('timed_out');
      expect(local.deliveries.acceptedFor(p.taskToken)).toBe(1);
      expect(stored).toMatchObject({ status: 'timed_out' });
      expect(stored?.delivery === 'delivered' || stored?.delivery === 'workflow_gone').toBe(true);
      expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
      const chain = await local.app.deps.audit.chain(p.executionArn);
      expect(chain.filter((e) => e.kind === 'timeout')).toHaveLength(1);
      expect((await verifyAudit(local.app.deps, p.executionArn)).ok).toBe(true);
    }
  }, 180_000);
});
