import { describe, expect, it } from 'vitest';
import { AlreadyDecidedError, ForbiddenError, WorkflowGoneError } from '#core/errors';
import { createApprovalRequest } from '#usecases/create-approval-request';
import { respond } from '#usecases/respond';
import { sweepExpired } from '#usecases/sweep-expired';
import { awsError, interpose } from '../support/fault-injection.ts';
import { gateInput, hitl } from '../support/fixtures.ts';
import { localAppOnManualClock } from '../support/manual-clock-app.ts';
import { startPausedExecutions, type PausedExecution } from '../support/paused-executions.ts';

/**
 * The use cases on the real local engines: dynalite, and executions of the approval-gate state
 * machine paused at their gate on the local Step Functions engine. Deliveries are counted where the
 * engine accepts them; faults are a thin wrapper that makes one real call throw.
 */
const local = localAppOnManualClock();
const { clock } = local;

const approveBody = { decision: 'approve' as const, scope: 'once' as const, channel: 'api' };
const approver = { userId: 'bob', groups: ['approvers'] };

async function pausedOne(options: Parameters<typeof startPausedExecutions>[2] = {}): Promise<PausedExecution> {
  const [paused] = await startPausedExecutions(local.app, 1, options);
  return paused;
}

/** What the paused execution got from SendTaskSuccess, once it has finished. */
async function approvalOf(paused: { executionArn: string }): Promise<Record<string, unknown>> {
  const execution = await local.app.engine.waitForExecution(paused.executionArn, 10_000);
  expect(execution.status).toBe('SUCCEEDED');
  return (execution.output as { approval: Record<string, unknown> }).approval;
}

describe('gate: createApprovalRequest', () => {
  it('creates one request and one notification for a retried gate, and the retry gets the new token', async () => {
    // Prepare: a gate that paused, and a real token for its retry
    const paused = await pausedOne();
    const retryToken = (await pausedOne()).taskToken;
    const input = gateInput({ executionId: paused.executionArn, workflowId: paused.request.workflowId, taskToken: retryToken });
    // Act
    const retry = await createApprovalRequest(local.app.deps, input);
    // Assess
    expect(retry).toEqual({ requestId: paused.requestId, created: false });
    const stored = await local.app.deps.store.get(paused.requestId);
    expect(stored?.events.filter((e) => e.type === 'notified')).toHaveLength(1);
    expect(await local.app.deps.store.getTaskToken(paused.requestId)).toBe(retryToken);
  });

  it('still pauses and stays answerable when the notification channel is down', async () => {
    // Prepare: every notification throws, as a channel that is down does
    const restore = interpose(local.app.deps.notifier, 'notify', async () => {
      throw new Error('smtp down');
    });
    let paused: PausedExecution;
    try {
      paused = await pausedOne();
    } finally {
      restore();
    }
    // Act
    const result = await respond(local.app.deps, { ...approveBody, id: paused.requestId, identity: approver });
    // Assess
    expect(paused.request.status).toBe('pending');
    expect(paused.request.events.at(-1)).toMatchObject({ type: 'notify_failed', detail: { error: 'smtp down' } });
    expect(result.approval.status).toBe('approved');
    expect(await approvalOf(paused)).toMatchObject({ requestId: paused.requestId, outcome: 'approved' });
  });

  it('delivers an earlier decision to the token of a gate retried after it', async () => {
    // Prepare: a decided gate, then its retry waiting on a new real token
    const decided = await pausedOne();
    await respond(local.app.deps, { ...approveBody, id: decided.requestId, identity: approver });
    const retry = await pausedOne();
    // Act
    await createApprovalRequest(local.app.deps, gateInput({ executionId: decided.executionArn, workflowId: decided.request.workflowId, taskToken: retry.taskToken }));
    // Assess: both waiting tasks resumed with the one decision
    expect(await approvalOf(decided)).toMatchObject({ requestId: decided.requestId, outcome: 'approved' });
    expect(await approvalOf(retry)).toMatchObject({ requestId: decided.requestId, outcome: 'approved' });
    expect([local.deliveries.acceptedFor(decided.taskToken), local.deliveries.acceptedFor(retry.taskToken)]).toEqual([1, 1]);
  });
});

describe('respond', () => {
  it('stores the decision, delivers it with reason, approver and edited arguments, and audits it', async () => {
    const paused = await pausedOne();
    const result = await respond(local.app.deps, { ...approveBody, reason: 'fine', editedArgs: { to: 'x@example.com', subject: 'Refunds', body: 'Within 30 days.' }, id: paused.requestId, identity: approver });
    expect(result).toMatchObject({ delivery: 'delivered', decidedNow: true, approval: { status: 'approved', delivery: 'delivered' } });
    expect(await approvalOf(paused)).toEqual({
      requestId: paused.requestId,
      outcome: 'approved',
      approver: 'bob',
      reason: 'fine',
      editedArgs: { to: 'x@example.com', subject: 'Refunds', body: 'Within 30 days.' },
      scope: 'once',
    });
    expect(local.deliveries.acceptedFor(paused.taskToken)).toBe(1);
    const audit = await local.app.deps.audit.chain(paused.executionArn);
    expect(audit.map((e) => e.kind)).toEqual(['gate_paused', 'decision']);
  });

  it('returns the stored outcome for a repeated identical decision and 409 for a different one', async () => {
    const paused = await pausedOne();
    await respond(local.app.deps, { ...approveBody, id: paused.requestId, identity: approver });
    const repeat = await respond(local.app.deps, { ...approveBody, id: paused.requestId, identity: approver });
    expect(repeat.decidedNow).toBe(false);
    await expect(respond(local.app.deps, { ...approveBody, decision: 'reject', id: paused.requestId, identity: approver })).rejects.toBeInstanceOf(AlreadyDecidedError);
    await expect(respond(local.app.deps, { ...approveBody, id: paused.requestId, identity: { userId: 'carol', groups: ['approvers'] } })).rejects.toBeInstanceOf(AlreadyDecidedError);
    expect(local.deliveries.acceptedFor(paused.taskToken)).toBe(1);
    expect(await approvalOf(paused)).toMatchObject({ outcome: 'approved', approver: 'bob' });
  });

  it('refuses a caller who is not an approver, and the requester', async () => {
    const paused = await pausedOne();
    await expect(respond(local.app.deps, { ...approveBody, id: paused.requestId, identity: { userId: 'eve', groups: ['users'] } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(respond(local.app.deps, { ...approveBody, id: paused.requestId, identity: { userId: 'alice', groups: ['approvers'] } })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await local.app.deps.store.get(paused.requestId))?.status).toBe('pending');
    expect((await local.app.engine.describeExecution(paused.executionArn)).status).toBe('RUNNING');
  });

  it('records a gone workflow and tells the caller with WorkflowGoneError', async () => {
    // Prepare: the execution ends while its request waits, so the engine answers TaskTimedOut
    const paused = await pausedOne();
    await local.app.engine.stopExecution(paused.executionArn);
    // Act
    await expect(respond(local.app.deps, { ...approveBody, id: paused.requestId, identity: approver })).rejects.toBeInstanceOf(WorkflowGoneError);
    // Assess
    const stored = await local.app.deps.store.get(paused.requestId);
    expect(stored).toMatchObject({ status: 'approved', delivery: 'workflow_gone' });
    expect(stored?.events.at(-1)).toMatchObject({ type: 'workflow_gone', detail: { error: 'TaskTimedOut' } });
    expect(local.deliveries.refused).toContainEqual({ token: paused.taskToken, error: 'TaskTimedOut' });
  });

  it('leaves a throttled delivery to the sweeper, which delivers it exactly once', async () => {
    // Prepare: the engine throttles the first SendTaskSuccess for this token
    const paused = await pausedOne();
    let calls = 0;
    const restore = interpose(local.app.engine, 'sendTaskSuccess', async (original, token, output) => {
      if (token === paused.taskToken && calls++ === 0) throw awsError('ThrottlingException', 'Rate exceeded');
      return original(token, output);
    });
    try {
      // Act
      const result = await respond(local.app.deps, { ...approveBody, id: paused.requestId, identity: approver });
      const early = await local.app.sweep();
      clock.advance(31_000);
      const late = await local.app.sweep();
      await local.app.sweep();
      // Assess
      expect(result.delivery).toBe('pending');
      expect(early.delivered).toBe(0);
      expect(late.delivered).toBe(1);
      expect(local.deliveries.acceptedFor(paused.taskToken)).toBe(1);
      expect(await approvalOf(paused)).toMatchObject({ requestId: paused.requestId, outcome: 'approved' });
      const stored = await local.app.deps.store.get(paused.requestId);
      expect(stored?.delivery).toBe('delivered');
      expect(stored?.events.filter((e) => e.type === 'delivery_failed')).toHaveLength(1);
    } finally {
      restore();
    }
  });

  it('lets exactly one of 50 concurrent responders win; the rest get a conflict or the same outcome', async () => {
    const paused = await pausedOne();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        respond(local.app.deps, { ...approveBody, decision: i % 2 ? 'approve' : 'reject', id: paused.requestId, identity: { userId: `approver-${i}`, groups: ['approvers'] } }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled' && r.value.decidedNow);
    const conflicts = results.filter((r) => r.status === 'rejected' && r.reason instanceof AlreadyDecidedError);
    expect(won).toHaveLength(1);
    expect(conflicts).toHaveLength(49);
    expect(local.deliveries.acceptedFor(paused.taskToken)).toBe(1);
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof respond>>>).value.approval;
    expect(await approvalOf(paused)).toMatchObject({ outcome: winner.status, approver: winner.decision?.approver });
  });
});

describe('timeout sweeper', () => {
  it('times out an expired request with onTimeout reject and sends the workflow timed_out', async () => {
    const paused = await pausedOne({ hitl: { timeoutSeconds: 60 } });
    clock.advance(61_000);
    const report = await sweepExpired(local.app.deps);
    expect(report.timedOut).toBe(1);
    expect((await local.app.deps.store.get(paused.requestId))?.status).toBe('timed_out');
    expect(local.deliveries.acceptedFor(paused.taskToken)).toBe(1);
    expect(await approvalOf(paused)).toMatchObject({ requestId: paused.requestId, outcome: 'timed_out' });
  });

  it('escalates to the next level with a notification, then rejects after the last level', async () => {
    const paused = await pausedOne({ hitl: { timeoutSeconds: 60, onTimeout: 'escalate', escalation: [{ approvers: { users: ['boss'], groups: [] }, timeoutSeconds: 120 }] } });
    clock.advance(61_000);
    await sweepExpired(local.app.deps);
    const escalated = await local.app.deps.store.get(paused.requestId);
    expect(escalated).toMatchObject({ status: 'pending', level: 1 });
    expect(escalated?.events.filter((e) => e.type === 'notified').map((e) => e.detail?.reason)).toEqual(['created', 'escalated']);
    expect(local.deliveries.acceptedFor(paused.taskToken)).toBe(0);
    expect((await local.app.engine.describeExecution(paused.executionArn)).status).toBe('RUNNING');
    clock.advance(121_000);
    await sweepExpired(local.app.deps);
    expect((await local.app.deps.store.get(paused.requestId))?.status).toBe('timed_out');
    expect(local.deliveries.acceptedFor(paused.taskToken)).toBe(1);
    expect(await approvalOf(paused)).toMatchObject({ outcome: 'timed_out' });
  });

  it('finishes the job on the next run after the audit log throws half way through a batch', async () => {
    // Prepare: three expired requests; the audit log throws on the second write of the first run
    const paused = await startPausedExecutions(local.app, 3, { hitl: { timeoutSeconds: 5 } });
    clock.advance(6_000);
    const restore = interpose(local.app.deps.audit, 'append', (() => {
      let writes = 0;
      return async (original, entry) => {
        if (++writes === 2) throw new Error('audit write failed');
        return original(entry);
      };
    })());
    // Act
    try {
      await sweepExpired(local.app.deps);
    } finally {
      restore();
    }
    clock.advance(31_000);
    await sweepExpired(local.app.deps);
    // Assess: every request timed out, each workflow resumed exactly once
    for (const p of paused) {
      expect((await local.app.deps.store.get(p.requestId))?.status).toBe('timed_out');
      expect(local.deliveries.acceptedFor(p.taskToken)).toBe(1);
      expect(await approvalOf(p)).toMatchObject({ requestId: p.requestId, outcome: 'timed_out' });
    }
  });

  it('races a respond on an expiring request: one outcome, recorded once', async () => {
    const paused = await pausedOne({ hitl: { timeoutSeconds: 5 } });
    clock.advance(6_000);
    const [swept, responded] = await Promise.allSettled([sweepExpired(local.app.deps), respond(local.app.deps, { ...approveBody, id: paused.requestId, identity: approver })]);
    const stored = await local.app.deps.store.get(paused.requestId);
    expect(stored?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
    expect(local.deliveries.acceptedFor(paused.taskToken)).toBe(1);
    expect(swept.status).toBe('fulfilled');
    if (stored?.status === 'approved') expect(responded.status).toBe('fulfilled');
    else expect(responded.status === 'rejected' && responded.reason).toBeInstanceOf(AlreadyDecidedError);
    expect(await approvalOf(paused)).toMatchObject({ outcome: stored?.status });
  });
});
