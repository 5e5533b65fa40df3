import { describe, expect, it } from 'vitest';
import type { ApprovalStore } from '#ports';
import { FOLLOW_UP_LEASE_MS } from '#usecases/perform-follow-ups';
import { sweepExpired } from '#usecases/sweep-expired';
import { verifyAudit } from '#usecases/verify-audit';
import { never } from '../support/fault-injection.ts';
import { localAppOnManualClock } from '../support/manual-clock-app.ts';
import { startPausedExecutions, type PausedExecution } from '../support/paused-executions.ts';

const local = localAppOnManualClock();
const { clock } = local;

/**
 * The app's real store, except that at the `n`th call of `method` (before it runs, or after it has
 * landed) the process "dies": that call and every later one never return. From the inside, that is
 * what a sweeper Lambda killed mid-batch looks like. `crashed` resolves when it happens.
 */
function storeThatDies(store: ApprovalStore, method: keyof ApprovalStore, n: number, when: 'before' | 'after') {
  let calls = 0;
  let dead = false;
  let onCrash!: () => void;
  const crashed = new Promise<void>((resolve) => (onCrash = resolve));
  const die = () => {
    dead = true;
    onCrash();
    return never();
  };
  const dying = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (dead) return never();
        const isTheOne = name === method && ++calls === n;
        if (isTheOne && when === 'before') return die();
        const result = await value.apply(target, args);
        return isTheOne ? die() : result;
      };
    },
  });
  return { store: dying, crashed };
}

async function expiredExecutions(count: number): Promise<PausedExecution[]> {
  const paused = await startPausedExecutions(local.app, count, { hitl: { timeoutSeconds: 60 } });
  clock.advance(61_000);
  return paused;
}

async function expectEachTimedOutAndResumedOnce(paused: PausedExecution[]) {
  for (const p of paused) {
    const execution = await local.app.engine.waitForExecution(p.executionArn, 5_000);
    const stored = await local.app.deps.store.get(p.requestId);
    expect(execution.status).toBe('SUCCEEDED');
    expect((execution.output as { approval: { outcome: string } }).approval.outcome).toBe('timed_out');
    expect(local.deliveries.acceptedFor(p.taskToken)).toBe(1);
    expect(stored?.status).toBe('timed_out');
    expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
    expect(stored?.delivery === 'delivered' || stored?.delivery === 'workflow_gone').toBe(true);
  }
}

describe('the sweeper crashes half way through a batch', () => {
  it('finishes the batch on the next runs when it died right after a timeout was written', async () => {
    // Prepare: ten expired requests of paused executions
    const paused = await expiredExecutions(10);
    // Act: the first run dies right after its fifth timeout lands (before its audit entry and delivery)
    const dying = storeThatDies(local.app.deps.store, 'transition', 5, 'after');
    // One expiry at a time, so the point of death is exact (sweeper-kill-concurrent.test.ts kills a run with many under way).
    void sweepExpired({ ...local.app.deps, store: dying.store }, { concurrency: 1 });
    await dying.crashed;
    const next = await local.app.sweep();
    clock.advance(31_000); // the dead run's delivery lease on the fifth request runs out
    const after = await local.app.sweep();

    // Assess: all ten timed out, every workflow resumed exactly once, nothing decided twice
    await expectEachTimedOutAndResumedOnce(paused);
    for (const p of paused) expect((await local.app.deps.store.get(p.requestId))?.delivery).toBe('delivered');
    expect(next.timedOut).toBe(5);
    expect(after.delivered).toBe(1);
    // The timeout the crash hit still owes its audit entry (no count: the rollup counts timeouts from
    // the decided timeline), held by the dead run: once that run's hold on it runs out, the next
    // sweep writes it, and no later sweep again.
    clock.advance(FOLLOW_UP_LEASE_MS);
    const repair = await local.app.sweep();
    const later = await local.app.sweep();
    expect([repair.repaired, later.repaired]).toEqual([1, 0]);
    const timeouts = await Promise.all(paused.map(async (p) => (await local.app.deps.audit.chain(p.executionArn)).filter((e) => e.kind === 'timeout').length));
    expect(timeouts).toEqual(paused.map(() => 1));
    for (const p of paused) expect((await verifyAudit(local.app.deps, p.executionArn)).ok).toBe(true);
  });

  it('resumes each workflow once when it died after SendTaskSuccess but before recording the delivery', async () => {
    const paused = await expiredExecutions(6);
    // The first run dies after its third SendTaskSuccess went through, before it recorded the delivery
    const dying = storeThatDies(local.app.deps.store, 'markDelivery', 3, 'before');
    void sweepExpired({ ...local.app.deps, store: dying.store }, { concurrency: 1 });
    await dying.crashed;
    await local.app.sweep();
    clock.advance(31_000);
    await local.app.sweep();
    await local.app.sweep();

    // Nothing doubled: Step Functions refuses a second SendTaskSuccess on a used token, so the
    // retry can only record the outcome. (It records `workflow_gone`: after a crash at that exact
    // point, a used token and a timed-out one look the same to the sweeper.)
    await expectEachTimedOutAndResumedOnce(paused);
    const deliveryRecords = await Promise.all(paused.map(async (p) => (await local.app.deps.store.get(p.requestId))?.delivery));
    expect(deliveryRecords.filter((d) => d === 'workflow_gone')).toHaveLength(1);
    expect(deliveryRecords.filter((d) => d === 'delivered')).toHaveLength(paused.length - 1);
    const undelivered = await local.app.deps.store.listUndelivered(100);
    expect(undelivered.filter((r) => paused.some((p) => p.requestId === r.id))).toEqual([]);
  });
});
