import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordOnlyNotifier } from '#adapters/notify/record-only-notifier';
import type { Notifier } from '#ports';
import { createApprovalRequest } from '#usecases/create-approval-request';
import { FOLLOW_UP_LEASE_MS } from '#usecases/perform-follow-ups';
import { sweepExpired } from '#usecases/sweep-expired';
import { verifyAudit } from '#usecases/verify-audit';
import { depsOn } from '../support/app-deps.ts';
import { interpose, never } from '../support/fault-injection.ts';
import { gateInput } from '../support/fixtures.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(async () => table.close());

const notices = (events: { type: string }[]) => events.filter((e) => e.type === 'notified');

describe('follow-ups a gate left owed', () => {
  it('are done by the sweeper once the dead writer\'s lease has passed, and only once', async () => {
    // Prepare: a gate whose process dies right after its request write, before its entry and its notice
    const dead = depsOn(table, { notify: () => never() });
    const restore = interpose(table.audit, 'append', () => never());
    const input = gateInput();
    void createApprovalRequest(dead.deps, input);
    const requestId = await waitFor(async () => (await table.store.listByExecution(input.executionId))[0]?.id);
    restore();
    expect(await table.store.owedFollowUps(requestId)).toHaveLength(2);
    const { deps, clock } = depsOn(table);

    // Act: while the writer's lease runs nobody takes over; after it, the sweeper does
    const held = await sweepExpired(deps, { followUpGraceMs: 0 });
    clock.advance(FOLLOW_UP_LEASE_MS + 1_000);
    const taken = await sweepExpired(deps, { followUpGraceMs: 0 });
    const again = await sweepExpired(deps, { followUpGraceMs: 0 });

    // Assess
    expect([held.repaired, taken.repaired, again.repaired]).toEqual([0, 2, 0]);
    const stored = await table.store.get(requestId);
    expect(notices(stored!.events)).toHaveLength(1);
    const chain = await table.audit.chain(input.executionId);
    expect(chain.filter((e) => e.kind === 'gate_paused')).toHaveLength(1);
    expect(await table.store.owedFollowUps(requestId)).toEqual([]);
    expect((await table.store.listOwed(new Date(Date.now() + 3_600_000), 100)).ids).not.toContain(requestId);
    expect(await verifyAudit(deps, input.executionId)).toMatchObject({ ok: true, missing: [], owed: 0 });
  });

  it('are finished at once by a retried gate, whatever the first attempt\'s lease', async () => {
    // Prepare: as above, the first attempt dies after its write
    const dead = depsOn(table, { notify: () => never() });
    const restore = interpose(table.audit, 'append', () => never());
    const input = gateInput();
    void createApprovalRequest(dead.deps, input);
    const requestId = await waitFor(async () => (await table.store.listByExecution(input.executionId))[0]?.id);
    restore();
    // Act: Step Functions retries the gate
    const { deps } = depsOn(table);
    const retry = await createApprovalRequest(deps, { ...input, taskToken: 'token-of-the-retry' });
    // Assess
    expect(retry).toEqual({ requestId, created: false });
    expect(notices((await table.store.get(requestId))!.events)).toHaveLength(1);
    expect((await table.audit.chain(input.executionId)).filter((e) => e.kind === 'gate_paused')).toHaveLength(1);
    expect(await table.store.owedFollowUps(requestId)).toEqual([]);
  });

  it('never doubles an audit entry whose writer died after writing it and before marking it done', async () => {
    // Prepare: the gate writes its entry and sends its notice, then dies before the write that notes
    // the notice and marks both done
    const told: string[] = [];
    const notifier: Notifier = { notify: async (request, reason) => (told.push(request.id), recordOnlyNotifier.notify(request, reason)) };
    const { deps, clock } = depsOn(table, notifier);
    const restore = interpose(table.store, 'completeFollowUps', () => never());
    const input = gateInput();
    void createApprovalRequest(deps, input);
    await waitFor(async () => ((await table.audit.chain(input.executionId)).length > 0 && told.length > 0 ? true : undefined));
    const requestId = (await table.store.listByExecution(input.executionId))[0]!.id;
    restore();
    expect(notices((await table.store.get(requestId))!.events)).toEqual([]);
    // The execution's chain moves on past the dead writer's entry
    await table.audit.append({ executionId: input.executionId, workflowId: input.workflowId, kind: 'message', actor: 'agent', detail: { text: 'meanwhile' } });

    // Act: while the dead writer's lease runs, nobody takes over; after it, the sweeper does
    const held = await sweepExpired(deps, { followUpGraceMs: 0 });
    clock.advance(FOLLOW_UP_LEASE_MS + 1_000);
    const taken = await sweepExpired(deps, { followUpGraceMs: 0 });

    // Assess: the entry is found, not written again; the notice is sent again (the documented price)
    // and noted once, by the write that marks it done
    expect([held.repaired, taken.repaired]).toEqual([0, 2]);
    expect((await table.audit.chain(input.executionId)).filter((e) => e.kind === 'gate_paused')).toHaveLength(1);
    expect(told).toEqual([requestId, requestId]);
    expect(notices((await table.store.get(requestId))!.events)).toHaveLength(1);
    expect(await table.store.owedFollowUps(requestId)).toEqual([]);
    expect(await verifyAudit(deps, input.executionId)).toMatchObject({ ok: true, missing: [] });
  });
});

describe('the sweeper on many owed requests', () => {
  it('pages past requests whose follow-ups are still held, to the ones it may do', async () => {
    // Prepare: three requests owing their gate follow-ups; the two oldest held by a live writer,
    // the newest given back by a writer that failed
    const { deps, clock } = depsOn(table);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const input = gateInput();
      const dead = depsOn(table, { notify: () => never() });
      (dead.clock as typeof clock).advance(i * 1_000);
      const restore = interpose(table.audit, 'append', () => never());
      void createApprovalRequest(dead.deps, input);
      ids.push(await waitFor(async () => (await table.store.listByExecution(input.executionId))[0]?.id));
      restore();
    }
    for (const f of await table.store.owedFollowUps(ids[2]!)) await table.store.releaseFollowUp(ids[2]!, f.id);

    // Act: a sweep that reads one owed request per page
    clock.advance(10_000);
    const report = await sweepExpired(deps, { followUpGraceMs: 0, batchSize: 1 });

    // Assess: the held ones are left to their writer, the given-back one is done
    expect(report.repaired).toBe(2);
    expect(await table.store.owedFollowUps(ids[0]!)).toHaveLength(2);
    expect(await table.store.owedFollowUps(ids[1]!)).toHaveLength(2);
    expect(await table.store.owedFollowUps(ids[2]!)).toEqual([]);
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('timed out');
}
