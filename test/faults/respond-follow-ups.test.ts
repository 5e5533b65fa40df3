import { describe, expect, it } from 'vitest';
import { FOLLOW_UP_LEASE_MS } from '#usecases/perform-follow-ups';
import { respond } from '#usecases/respond';
import { verifyAudit } from '#usecases/verify-audit';
import { interpose, never } from '../support/fault-injection.ts';
import { eventually } from '../support/http.ts';
import { localAppOnManualClock } from '../support/manual-clock-app.ts';
import { startPausedExecutions } from '../support/paused-executions.ts';

const local = localAppOnManualClock();
const { clock } = local;

/**
 * A responder that dies once the workflow has its decision: from then on, its audit entry store
 * never returns (`landed`: after the entry was stored, else before), and so neither does anything
 * after it (the delivery's mark). From the inside, a kill -9 there looks like this.
 */
async function responderDiesAfterSendTaskSuccess(landed: boolean) {
  const [paused] = await startPausedExecutions(local.app, 1);
  await eventually(async () => ((await local.app.deps.store.owedFollowUps(paused!.requestId)).length === 0 ? true : undefined), 10_000, 'the gate to finish');
  const restore = interpose(local.app.deps.audit, 'appendSealed', async (original, entry) => {
    if (entry.kind !== 'decision') return original(entry);
    if (landed) await original(entry);
    return never();
  });
  void respond(local.app.deps, { id: paused!.requestId, identity: { userId: 'bob', groups: ['approvers'] }, channel: 'api', decision: 'approve', scope: 'once' });
  await eventually(async () => (local.deliveries.acceptedFor(paused!.taskToken) === 1 ? true : undefined), 10_000, 'SendTaskSuccess');
  // The process is gone: what it left is what the table holds; the next process has the real audit log.
  restore();
  return paused!;
}

describe('a responder killed between SendTaskSuccess and its audit entry', () => {
  it.each([
    ['before the entry was stored', false],
    ['after the entry was stored, before it was marked done', true],
  ])('%s: the sweeper stores the decision entry exactly once, and the workflow resumed once', async (_, landed) => {
    // Prepare
    const paused = await responderDiesAfterSendTaskSuccess(landed);
    const left = await local.app.deps.store.owedFollowUps(paused.requestId);
    const before = await verifyAudit(local.app.deps, paused.executionArn);

    // Act: sweeps after the dead responder's leases ran out, and one more
    clock.advance(FOLLOW_UP_LEASE_MS + 31_000);
    await local.app.sweep();
    await local.app.sweep();

    // Assess: the entry was owed (a decision owes no count: the rollup counts it from the timeline),
    // and verify said so rather than calling it missing
    expect(left.map((f) => f.id)).toEqual(['audit:' + `${paused.requestId}/decision`]);
    expect(before).toMatchObject({ ok: true, owed: landed ? 0 : 1, missing: [] });
    // ... now the entry is in the request's chain once, sealed where the decision's write put it
    const chain = await local.app.deps.audit.chain(paused.executionArn);
    const decisions = chain.filter((e) => e.kind === 'decision' && e.requestId === paused.requestId);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ chain: `request:${paused.requestId}`, seq: 2 });
    expect(await verifyAudit(local.app.deps, paused.executionArn)).toMatchObject({ ok: true, owed: 0, missing: [] });
    expect(await local.app.deps.store.owedFollowUps(paused.requestId)).toEqual([]);
    // The workflow got the decision once; the redelivery finds the token used and only records it
    expect(local.deliveries.acceptedFor(paused.taskToken)).toBe(1);
    expect((await local.app.engine.waitForExecution(paused.executionArn, 5_000)).status).toBe('SUCCEEDED');
    const stored = await local.app.deps.store.get(paused.requestId);
    expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
    expect(stored?.delivery).not.toBe('pending');
  });
});
