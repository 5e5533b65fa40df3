import { describe, expect, it } from 'vitest';
import { awsError, interpose } from '../support/fault-injection.ts';
import { call } from '../support/http.ts';
import { localAppOnManualClock } from '../support/manual-clock-app.ts';
import { startPausedExecutions } from '../support/paused-executions.ts';

const local = localAppOnManualClock();
const { clock } = local;

describe('SendTaskSuccess fails after the decision is stored', () => {
  it('answers 202 with delivery pending when throttled, and the sweeper delivers it exactly once later', async () => {
    // Prepare: the first SendTaskSuccess for this token is throttled, as Step Functions may do
    const [paused] = await startPausedExecutions(local.app, 1);
    let throttled = 0;
    const restore = interpose(local.app.engine, 'sendTaskSuccess', async (original, token, output) => {
      if (token === paused.taskToken && throttled++ === 0) throw awsError('ThrottlingException', 'Rate exceeded');
      return original(token, output);
    });
    try {
      // Act
      const decided = await call(local.app.url, 'POST', `/approvals/${paused.requestId}/respond`, { body: { decision: 'approve', reason: 'fine' } });
      const stored = await call(local.app.url, 'GET', `/approvals/${paused.requestId}`);
      const early = await local.app.sweep(); // the responder's delivery lease still holds
      const whileLeased = await local.app.engine.describeExecution(paused.executionArn);
      clock.advance(31_000);
      const late = await local.app.sweep();
      const finished = await local.app.engine.waitForExecution(paused.executionArn, 5_000);
      await local.app.sweep();
      clock.advance(31_000);
      await local.app.sweep();

      // Assess: the caller was told the decision is stored but not yet delivered
      expect(decided.status).toBe(202);
      expect(decided.body).toMatchObject({ delivery: 'pending', decidedNow: true, approval: { status: 'approved', delivery: 'pending' } });
      expect(stored.body).toMatchObject({ status: 'approved', delivery: 'pending' });
      expect(stored.body.events.map((e: { type: string }) => e.type)).toContain('delivery_failed');
      expect(early.delivered).toBe(0);
      expect(whileLeased.status).toBe('RUNNING');
      // ...and the sweeper delivered it once, after the lease, and the workflow went on
      expect(late.delivered).toBe(1);
      expect(finished.status).toBe('SUCCEEDED');
      expect((finished.output as { approval: unknown }).approval).toMatchObject({ outcome: 'approved', approver: 'bob', reason: 'fine' });
      expect(local.deliveries.acceptedFor(paused.taskToken)).toBe(1);
      const final = await local.app.deps.store.get(paused.requestId);
      expect(final).toMatchObject({ status: 'approved', delivery: 'delivered' });
      expect(final?.events.filter((e) => e.type === 'delivered')).toHaveLength(1);
      expect(final?.events.filter((e) => e.type === 'decided')).toHaveLength(1);
    } finally {
      restore();
    }
  });

  it('answers 410 when the workflow is gone, records the decision as workflow_gone, and says so again on a repeat', async () => {
    // Prepare: the execution was stopped, so its task token is closed
    const [paused] = await startPausedExecutions(local.app, 1);
    await local.app.engine.stopExecution(paused.executionArn, { cause: 'stopped by an operator' });

    // Act
    const decided = await call(local.app.url, 'POST', `/approvals/${paused.requestId}/respond`, { body: { decision: 'approve' } });
    const stored = await call(local.app.url, 'GET', `/approvals/${paused.requestId}`);
    const repeat = await call(local.app.url, 'POST', `/approvals/${paused.requestId}/respond`, { body: { decision: 'approve' } });
    clock.advance(31_000);
    const sweep = await local.app.sweep();

    // Assess
    expect(decided.status).toBe(410);
    expect(decided.body.error).toMatchObject({ code: 'WorkflowGone' });
    expect(decided.body.error.message).toMatch(/recorded.*no longer waiting/);
    expect(stored.body).toMatchObject({ status: 'approved', delivery: 'workflow_gone' });
    expect(stored.body.events.filter((e: { type: string }) => e.type === 'workflow_gone')).toHaveLength(1);
    expect(repeat.status).toBe(410);
    expect(sweep.delivered + sweep.workflowGone).toBe(0);
    expect(local.deliveries.acceptedFor(paused.taskToken)).toBe(0);
  });

  it('answers 410 when the gate hit its Step Functions hard cap before anyone decided', async () => {
    // Prepare: a gate with a 1 s hard cap and no sweeper run: the workflow moves on as timed out
    const [paused] = await startPausedExecutions(local.app, 1, { gateTimeoutSeconds: 1 });
    const ended = await local.app.engine.waitForExecution(paused.executionArn, 5_000);

    // Act
    const decided = await call(local.app.url, 'POST', `/approvals/${paused.requestId}/respond`, { body: { decision: 'reject' } });

    // Assess: the workflow went on without the decision, and the caller learns it
    expect((ended.output as { approval: { outcome: string } }).approval.outcome).toBe('timed_out');
    expect(decided.status).toBe(410);
    expect(await local.app.deps.store.get(paused.requestId)).toMatchObject({ status: 'rejected', delivery: 'workflow_gone' });
  });
});
