import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestChainId } from '#core/audit-chain';
import { startLocalApp, type LocalApp } from '#local/app';
import { FOLLOW_UP_LEASE_MS } from '#usecases/perform-follow-ups';
import { verifyAudit } from '#usecases/verify-audit';
import { ManualClock } from '../support/fixtures.ts';
import { interpose } from '../support/fault-injection.ts';
import { call } from '../support/http.ts';
import { startPausedExecutions } from '../support/paused-executions.ts';

let app: LocalApp;
const clock = new ManualClock(new Date());
beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [], clock });
});
afterAll(async () => app.close());

describe("a request's audit chain, stored out of order", () => {
  it('verifies a decision stored before the escalation it follows, and the chain is whole once the escalation is stored', async () => {
    // Prepare: the escalation's entry cannot be stored for now
    const level = { approvers: { users: [], groups: ['approvers'] }, timeoutSeconds: 60 };
    const [paused] = await startPausedExecutions(app, 1, { hitl: { timeoutSeconds: 60, onTimeout: 'escalate', escalation: [level] } });
    const restore = interpose(app.deps.audit, 'appendSealed', async (original, entry) => {
      if (entry.kind === 'escalation') throw new Error('the table refused the write');
      return original(entry);
    });

    // Act: escalate (its entry stays owed), then decide (its entry, the next one, is stored)
    try {
      clock.advance(61_000);
      expect((await app.sweep()).escalated).toBe(1);
      expect((await call(app.url, 'POST', `/approvals/${paused!.requestId}/respond`, { body: { decision: 'approve' } })).status).toBe(200);
    } finally {
      restore();
    }
    const meanwhile = await verifyAudit(app.deps, paused!.executionArn);
    const storedMeanwhile = (await app.deps.audit.chain(paused!.executionArn)).map((e) => [e.kind, e.seq]);
    clock.advance(FOLLOW_UP_LEASE_MS);
    await app.sweep();

    // Assess: meanwhile, the gap is the owed entry, not a missing one
    expect(storedMeanwhile).toEqual([['gate_paused', 1], ['decision', 3]]);
    expect(meanwhile).toMatchObject({ ok: true, owed: 1, missing: [] });
    // ... and the sweeper stored it where the escalation's write sealed it
    const chain = await app.deps.audit.chain(paused!.executionArn);
    expect(chain.map((e) => [e.kind, e.seq, e.chain])).toEqual([
      ['gate_paused', 1, requestChainId(paused!.requestId)],
      ['escalation', 2, requestChainId(paused!.requestId)],
      ['decision', 3, requestChainId(paused!.requestId)],
    ]);
    expect(chain[2]!.prevHash).toBe(chain[1]!.hash);
    expect(await verifyAudit(app.deps, paused!.executionArn)).toMatchObject({ ok: true, owed: 0, missing: [], entries: 3 });
  });
});
