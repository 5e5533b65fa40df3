import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '#core/audit-chain';
import type { Vote } from '#core/request';
import { startLocalApp, type LocalApp } from '#local/app';
import { call } from '../support/http.ts';
import { recordDeliveries, type DeliveryLog } from '../support/fault-injection.ts';
import { inPool, startPausedExecutions } from '../support/paused-executions.ts';

const REQUESTS = 10;
const QUORUM = 3;
const CLIENT_CONCURRENCY = 32;

let app: LocalApp;
let deliveries: DeliveryLog;
beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [] });
  deliveries = recordDeliveries(app.engine);
});
afterAll(async () => {
  deliveries.restore();
  await app.close();
});

/** Nine voters per request: three approve the proposed arguments, three one edit, three another. */
const BALLOTS = ['proposed', 'edit-a', 'edit-b'] as const;
const VOTERS = BALLOTS.flatMap((ballot) => Array.from({ length: QUORUM }, (_, k) => ({ ballot, user: `${ballot}-voter-${k}` })));
const editOf = (ballot: (typeof BALLOTS)[number], proposed: Record<string, unknown>) =>
  ballot === 'proposed' ? undefined : { ...proposed, to: `${ballot}@example.com`, body: 'Our refund policy.' };

/** A fixed interleaving per request, so each run mixes the ballots differently but reproducibly. */
const interleaved = <T>(items: readonly T[], seed: number) => items.map((item, i) => ({ item, key: (i * 7 + seed * 5) % items.length })).sort((a, b) => a.key - b.key).map((x) => x.item);

describe('concurrent votes on different arguments at a 3-of-n node', () => {
  it('decides each request once, on arguments that three of its votes approved, and delivers exactly those', async () => {
    // Prepare
    const paused = await startPausedExecutions(app, REQUESTS, { hitl: { quorum: { approvals: QUORUM } } });
    const calls = paused.flatMap((p, r) => interleaved(VOTERS, r).map((voter) => ({ p, voter })));
    // Act
    const responses = await inPool(calls.length, CLIENT_CONCURRENCY, (i) => {
      const { p, voter } = calls[i];
      const editedArgs = editOf(voter.ballot, (p.request.action as { toolCall: { args: Record<string, unknown> } }).toolCall.args);
      return call(app.url, 'POST', `/approvals/${p.requestId}/respond`, {
        body: { decision: 'approve', ...(editedArgs ? { editedArgs } : {}) },
        as: { 'x-user': voter.user, 'x-groups': 'approvers' },
      });
    });
    // Assess
    expect(new Set(responses.map((res) => res.status))).toSatisfy((statuses: Set<number>) => [...statuses].every((s) => [200, 202, 409].includes(s)));
    for (const [r, p] of paused.entries()) {
      const stored = (await app.deps.store.get(p.requestId))!;
      const proposed = (p.request.action as { toolCall: { args: Record<string, unknown> } }).toolCall.args;
      const decidedArgs = canonicalJson(stored.decision?.editedArgs ?? proposed);
      const approversOfDecided = (stored.votes ?? []).filter((v: Vote) => v.vote === 'approve' && canonicalJson(v.editedArgs ?? proposed) === decidedArgs);
      const finished = await app.engine.waitForExecution(p.executionArn, 10_000);
      const own = responses.filter((_, i) => calls[i].p === p);

      expect(stored.status, `request ${r}`).toBe('approved');
      expect(approversOfDecided.length, `approvers of the decided arguments of request ${r}`).toBeGreaterThanOrEqual(QUORUM);
      expect(approversOfDecided.map((v) => v.approver)).toContain(stored.decision?.approver);
      expect(deliveries.acceptedFor(p.taskToken)).toBe(1);
      expect(canonicalJson((finished.output as any).approval.editedArgs ?? proposed)).toBe(decidedArgs);
      expect(own.filter((res) => res.body?.decidedNow === true && res.body.delivery !== 'awaiting_votes')).toHaveLength(1);
    }
  });
});
