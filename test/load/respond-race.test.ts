import { describe, expect, it } from 'vitest';
import { verifyChain } from '#core/audit-chain';
import { call } from '../support/http.ts';
import { localAppOnManualClock } from '../support/manual-clock-app.ts';
import { inPool, startPausedExecutions, type PausedExecution } from '../support/paused-executions.ts';

const REQUESTS = 100;
const APPROVERS_PER_REQUEST = 10;
const CLIENT_CONCURRENCY = 64;
// Generous: about 6 s on an idle 2-core machine, many times that on a busy one; speed is the bench's concern.
const LOAD_TEST_TIMEOUT_MS = 300_000;

const local = localAppOnManualClock();
const { clock } = local;

/** Approver k of request r: a different person per request, each sending one decision. */
const approverOf = (r: number, k: number) => ({ 'x-user': `approver-${r}-${k}`, 'x-groups': 'approvers' });
const decisionOf = (r: number, k: number) => ((r + k) % 2 === 0 ? 'approve' : 'reject');

describe('1,000 concurrent decisions on 100 paused executions, over HTTP', () => {
  it('records exactly one decision per request, resumes each workflow once, and answers every loser 409', async () => {
    // Prepare: 100 real executions of the approval-gate machine, paused at their gate
    const paused = await startPausedExecutions(local.app, REQUESTS);
    const calls = paused.flatMap((p, r) => Array.from({ length: APPROVERS_PER_REQUEST }, (_, k) => ({ p, r, k })));

    // Act: each request's ten approvers answer at about the same time, 64 calls in flight at most
    const started = Date.now();
    const responses = await inPool(calls.length, CLIENT_CONCURRENCY, (i) => {
      const { p, r, k } = calls[i];
      return call(local.app.url, 'POST', `/approvals/${p.requestId}/respond`, { body: { decision: decisionOf(r, k) }, as: approverOf(r, k) });
    });
    // For the reader only: how fast it is belongs to the bench (npm run bench), not to a pass or fail here.
    console.info(`1,000 decisions answered in ${Date.now() - started} ms`);

    // Assess: per request, one winner (200, delivered) and nine 409 AlreadyDecided, nothing else
    const statuses = responses.reduce<Record<number, number>>((acc, res) => ({ ...acc, [res.status]: (acc[res.status] ?? 0) + 1 }), {});
    expect(statuses).toEqual({ 200: REQUESTS, 409: REQUESTS * (APPROVERS_PER_REQUEST - 1) });
    for (const res of responses.filter((r) => r.status === 409)) expect(res.body.error.code).toBe('AlreadyDecided');

    for (const [r, p] of paused.entries()) {
      const own = responses.map((res, i) => ({ res, ...calls[i] })).filter((c) => c.r === r);
      const winners = own.filter((c) => c.res.status === 200);
      expect(winners).toHaveLength(1);
      const winner = winners[0];
      expect(winner.res.body).toMatchObject({ delivery: 'delivered', decidedNow: true });

      const stored = await local.app.deps.store.get(p.requestId);
      expect(stored?.decision?.approver).toBe(`approver-${r}-${winner.k}`);
      expect(stored?.status).toBe(decisionOf(r, winner.k) === 'approve' ? 'approved' : 'rejected');
      expect(stored?.delivery).toBe('delivered');
      expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
      expect(stored?.events.filter((e) => e.type === 'delivered')).toHaveLength(1);

      // The workflow resumed exactly once, with the winner's decision
      expect(local.deliveries.acceptedFor(p.taskToken)).toBe(1);
      const execution = await local.app.engine.waitForExecution(p.executionArn, 30_000);
      expect(execution.status).toBe('SUCCEEDED');
      expect((execution.output as { approval: unknown }).approval).toMatchObject({ requestId: p.requestId, approver: `approver-${r}-${winner.k}`, outcome: stored?.status });

      // The audit chain holds one decision and is intact
      const chain = await local.app.deps.audit.chain(p.executionArn);
      expect(chain.filter((e) => e.kind === 'decision')).toHaveLength(1);
      expect(verifyChain(await local.app.deps.audit.key(), chain).ok).toBe(true);
    }
    expect(local.deliveries.accepted).toHaveLength(REQUESTS);
    expect(local.deliveries.refused).toEqual([]);
  }, LOAD_TEST_TIMEOUT_MS);
});

describe('the sweeper and approvers racing on expiring requests, over HTTP', () => {
  it('ends each request with one outcome, recorded and delivered once, whoever wins', async () => {
    const outcomes = { approved: 0, timed_out: 0 };
    for (let round = 0; round < 3; round++) {
      // Prepare: 20 paused executions whose requests are due in 60 s, then let the clock pass that
      const paused: PausedExecution[] = await startPausedExecutions(local.app, 20, { hitl: { timeoutSeconds: 60 } });
      clock.advance(61_000);

      // Act: one sweep and one approver per request. The sweep takes them oldest first, so the
      // approvers of the newest answer at once and those of the oldest a little later: the sweeper
      // wins at one end, the approvers at the other, and in the middle they race.
      const delay = (i: number) => new Promise((resolve) => setTimeout(resolve, (1 - i / paused.length) * 120 + Math.random() * 20));
      const [report, ...responses] = await Promise.all([
        local.app.sweep(),
        ...paused.map((p, i) =>
          delay(i).then(() => call(local.app.url, 'POST', `/approvals/${p.requestId}/respond`, { body: { decision: 'approve' }, as: { 'x-user': `racer-${round}-${i}`, 'x-groups': 'approvers' } })),
        ),
      ]);

      // Assess
      let approved = 0;
      for (const [i, p] of paused.entries()) {
        const stored = await local.app.deps.store.get(p.requestId);
        const execution = await local.app.engine.waitForExecution(p.executionArn, 30_000);
        expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
        expect(stored?.delivery).toBe('delivered');
        expect(local.deliveries.acceptedFor(p.taskToken)).toBe(1);
        expect(execution.status).toBe('SUCCEEDED');
        const workflowSaw = (execution.output as { approval: { outcome: string } }).approval.outcome;
        if (stored?.status === 'approved') {
          approved++;
          expect(responses[i].status).toBe(200);
          expect(stored.decision?.approver).toBe(`racer-${round}-${i}`);
          expect(workflowSaw).toBe('approved');
        } else {
          expect(stored?.status).toBe('timed_out');
          expect(responses[i].status).toBe(409);
          expect(responses[i].body.error.code).toBe('AlreadyDecided');
          expect(workflowSaw).toBe('timed_out');
        }
      }
      // The sweeper timed out exactly the requests the approvers did not win
      expect(report.timedOut).toBe(paused.length - approved);
      outcomes.approved += approved;
      outcomes.timed_out += report.timedOut;
    }
    // Both sides won some: the race really took place
    expect(outcomes.approved).toBeGreaterThan(0);
    expect(outcomes.timed_out).toBeGreaterThan(0);
    console.info(`sweeper/approver race: ${outcomes.approved} approved, ${outcomes.timed_out} timed out`);
  }, LOAD_TEST_TIMEOUT_MS);
});
