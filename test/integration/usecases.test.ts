import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlreadyDecidedError, ForbiddenError, WorkflowGoneError } from '#core/errors';
import { createApprovalRequest } from '#usecases/create-approval-request';
import { respond } from '#usecases/respond';
import { sweepExpired } from '#usecases/sweep-expired';
import { gateInput, hitl } from '../support/fixtures.ts';
import { depsOn } from '../support/app-deps.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(async () => table.close());

const approver = { userId: 'bob', groups: ['approvers'] };
const approveBody = { decision: 'approve' as const, scope: 'once' as const, channel: 'api' };

describe('gate: createApprovalRequest', () => {
  it('creates one request and one notification for a retried gate, and the retry gets the new token', async () => {
    // Prepare
    const { deps } = depsOn(table);
    const input = gateInput();
    // Act
    const first = await createApprovalRequest(deps, input);
    const retry = await createApprovalRequest(deps, { ...input, taskToken: 'token-of-the-retry' });
    // Assess
    expect(first).toEqual({ requestId: retry.requestId, created: true });
    expect(retry.created).toBe(false);
    const stored = await table.store.get(first.requestId);
    expect(stored?.events.filter((e) => e.type === 'notified')).toHaveLength(1);
    expect(await table.store.getTaskToken(first.requestId)).toBe('token-of-the-retry');
  });

  it('still pauses and stays answerable when the notification channel is down', async () => {
    const { deps } = depsOn(table, { notify: async () => { throw new Error('smtp down'); } });
    const { requestId } = await createApprovalRequest(deps, gateInput());
    const stored = await table.store.get(requestId);
    expect(stored?.status).toBe('pending');
    expect(stored?.events.at(-1)).toMatchObject({ type: 'notify_failed', detail: { error: 'smtp down' } });
    const result = await respond(deps, { ...approveBody, id: requestId, identity: approver });
    expect(result.approval.status).toBe('approved');
  });

  it('delivers an earlier decision to the token of a gate retried after it', async () => {
    const { deps, workflows } = depsOn(table);
    const input = gateInput();
    const { requestId } = await createApprovalRequest(deps, input);
    await respond(deps, { ...approveBody, id: requestId, identity: approver });
    await createApprovalRequest(deps, { ...input, taskToken: 'new-token' });
    expect(workflows.delivered.map((d) => d.token)).toEqual([input.taskToken, 'new-token']);
  });
});

describe('respond', () => {
  it('stores the decision, delivers it with reason, approver and edited arguments, and audits it', async () => {
    const { deps, workflows } = depsOn(table);
    const input = gateInput();
    const { requestId } = await createApprovalRequest(deps, input);
    const result = await respond(deps, { ...approveBody, reason: 'fine', editedArgs: { to: 'x@example.com' }, id: requestId, identity: approver });
    expect(result).toMatchObject({ delivery: 'delivered', decidedNow: true, approval: { status: 'approved', delivery: 'delivered' } });
    expect(workflows.delivered).toEqual([
      { token: input.taskToken, output: { requestId, outcome: 'approved', approver: 'bob', reason: 'fine', editedArgs: { to: 'x@example.com' }, scope: 'once' } },
    ]);
    const audit = await table.audit.chain(input.executionId);
    expect(audit.map((e) => e.kind)).toEqual(['gate_paused', 'decision']);
  });

  it('returns the stored outcome for a repeated identical decision and 409 for a different one', async () => {
    const { deps, workflows } = depsOn(table);
    const { requestId } = await createApprovalRequest(deps, gateInput());
    await respond(deps, { ...approveBody, id: requestId, identity: approver });
    const repeat = await respond(deps, { ...approveBody, id: requestId, identity: approver });
    expect(repeat.decidedNow).toBe(false);
    await expect(respond(deps, { ...approveBody, decision: 'reject', id: requestId, identity: approver })).rejects.toBeInstanceOf(AlreadyDecidedError);
    await expect(respond(deps, { ...approveBody, id: requestId, identity: { userId: 'carol', groups: ['approvers'] } })).rejects.toBeInstanceOf(AlreadyDecidedError);
    expect(workflows.delivered).toHaveLength(1);
  });

  it('refuses a caller who is not an approver, and the requester', async () => {
    const { deps } = depsOn(table);
    const { requestId } = await createApprovalRequest(deps, gateInput());
    await expect(respond(deps, { ...approveBody, id: requestId, identity: { userId: 'eve', groups: ['users'] } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(respond(deps, { ...approveBody, id: requestId, identity: { userId: 'requester', groups: ['approvers'] } })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await table.store.get(requestId))?.status).toBe('pending');
  });

  it('records a gone workflow and tells the caller with WorkflowGoneError', async () => {
    const { deps, workflows } = depsOn(table);
    const { requestId } = await createApprovalRequest(deps, gateInput());
    workflows.failWith = 'TaskTimedOut';
    await expect(respond(deps, { ...approveBody, id: requestId, identity: approver })).rejects.toBeInstanceOf(WorkflowGoneError);
    const stored = await table.store.get(requestId);
    expect(stored).toMatchObject({ status: 'approved', delivery: 'workflow_gone' });
    expect(stored?.events.at(-1)).toMatchObject({ type: 'workflow_gone', detail: { error: 'TaskTimedOut' } });
  });

  it('leaves a throttled delivery to the sweeper, which delivers it exactly once', async () => {
    // Prepare
    const { deps, workflows, clock } = depsOn(table);
    const { requestId } = await createApprovalRequest(deps, gateInput());
    workflows.failWith = 'ThrottlingException';
    // Act
    const result = await respond(deps, { ...approveBody, id: requestId, identity: approver });
    workflows.failWith = undefined;
    const early = await sweepExpired(deps);
    clock.advance(31_000);
    await sweepExpired(deps);
    await sweepExpired(deps);
    // Assess
    expect(result.delivery).toBe('pending');
    expect(early.delivered).toBe(0);
    expect(workflows.delivered.filter((d) => (d.output as { requestId: string }).requestId === requestId)).toHaveLength(1);
    const stored = await table.store.get(requestId);
    expect(stored?.delivery).toBe('delivered');
    expect(stored?.events.filter((e) => e.type === 'delivery_failed')).toHaveLength(1);
  });

  it('lets exactly one of 50 concurrent responders win; the rest get a conflict or the same outcome', async () => {
    const { deps, workflows } = depsOn(table);
    const { requestId } = await createApprovalRequest(deps, gateInput());
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        respond(deps, { ...approveBody, decision: i % 2 ? 'approve' : 'reject', id: requestId, identity: { userId: `approver-${i}`, groups: ['approvers'] } }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled' && r.value.decidedNow);
    const conflicts = results.filter((r) => r.status === 'rejected' && r.reason instanceof AlreadyDecidedError);
    expect(won).toHaveLength(1);
    expect(conflicts).toHaveLength(49);
    expect(workflows.delivered).toHaveLength(1);
  });
});

describe('timeout sweeper', () => {
  it('times out an expired request with onTimeout reject and sends the workflow timed_out', async () => {
    const { deps, workflows, clock } = depsOn(table);
    const input = gateInput({ hitl: hitl({ timeoutSeconds: 60 }) });
    const { requestId } = await createApprovalRequest(deps, input);
    clock.advance(61_000);
    const report = await sweepExpired(deps);
    expect(report.timedOut).toBeGreaterThanOrEqual(1);
    expect((await table.store.get(requestId))?.status).toBe('timed_out');
    expect(workflows.delivered).toEqual([{ token: input.taskToken, output: expect.objectContaining({ requestId, outcome: 'timed_out' }) }]);
  });

  it('escalates to the next level with a notification, then rejects after the last level', async () => {
    const { deps, workflows, clock } = depsOn(table);
    const config = hitl({ timeoutSeconds: 60, onTimeout: 'escalate', escalation: [{ approvers: { users: ['boss'], groups: [] }, timeoutSeconds: 120 }] });
    const { requestId } = await createApprovalRequest(deps, gateInput({ hitl: config }));
    clock.advance(61_000);
    await sweepExpired(deps);
    const escalated = await table.store.get(requestId);
    expect(escalated).toMatchObject({ status: 'pending', level: 1 });
    expect(escalated?.events.filter((e) => e.type === 'notified').map((e) => e.detail?.reason)).toEqual(['created', 'escalated']);
    expect(workflows.delivered).toHaveLength(0);
    clock.advance(121_000);
    await sweepExpired(deps);
    expect((await table.store.get(requestId))?.status).toBe('timed_out');
    expect(workflows.delivered).toHaveLength(1);
  });

  it('finishes the job on the next run after a crash half way through a batch', async () => {
    // Prepare: three expired requests; the audit log fails on the second write of the first run
    const { deps, workflows, clock } = depsOn(table);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createApprovalRequest(deps, gateInput({ hitl: hitl({ timeoutSeconds: 5 }) }))).requestId);
    clock.advance(6_000);
    let writes = 0;
    const crashingAudit = { ...table.audit, append: async (r: Parameters<typeof table.audit.append>[0]) => { if (++writes === 2) throw new Error('crash'); return table.audit.append(r); } };
    // Act
    await sweepExpired({ ...deps, audit: crashingAudit as typeof table.audit });
    clock.advance(31_000);
    await sweepExpired(deps);
    // Assess: every request timed out, each delivered exactly once
    for (const id of ids) expect((await table.store.get(id))?.status).toBe('timed_out');
    const deliveredIds = workflows.delivered.map((d) => (d.output as { requestId: string }).requestId).filter((id) => ids.includes(id));
    expect(deliveredIds.sort()).toEqual([...ids].sort());
  });

  it('races a respond on an expiring request: one outcome, recorded once', async () => {
    const { deps, workflows, clock } = depsOn(table);
    const { requestId } = await createApprovalRequest(deps, gateInput({ hitl: hitl({ timeoutSeconds: 5 }) }));
    clock.advance(6_000);
    const [swept, responded] = await Promise.allSettled([sweepExpired(deps), respond(deps, { ...approveBody, id: requestId, identity: approver })]);
    const stored = await table.store.get(requestId);
    expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
    expect(workflows.delivered.filter((d) => (d.output as { requestId: string }).requestId === requestId)).toHaveLength(1);
    expect(swept.status).toBe('fulfilled');
    if (stored?.status === 'approved') expect(responded.status).toBe('fulfilled');
    else expect(responded.status === 'rejected' && responded.reason).toBeInstanceOf(AlreadyDecidedError);
  });
});
