import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HOLD_MESSAGE } from '#core/flow';
import type { Clock } from '#ports';
import { call } from '../support/http.ts';
import { agentFlow, decide, executionIn, mailsTo, shippedFlows, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';

/**
 * The system clock moved forward by hand: a sweeper deadline passes without sleeping, while the
 * engine's own timers (the voice gate's deadline) still run in real time alongside it.
 */
class AdvancingClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

const approvers = { groups: ['approvers'] };
const clock = new AdvancingClock();
let stack: FlowsApp;
beforeAll(async () => {
  stack = await startFlowsApp([
    ...shippedFlows(),
    agentFlow('quick-timeout', { mode: 'confirm_tools', approvedTools: ['search'], approvers, timeoutSeconds: 1 }),
    agentFlow('quick-escalate', {
      mode: 'confirm_tools',
      approvedTools: ['search'],
      approvers,
      timeoutSeconds: 1,
      onTimeout: 'escalate',
      escalation: [{ approvers: { groups: ['managers'] }, timeoutSeconds: 600 }],
    }),
    agentFlow('voice-quick', { mode: 'confirm_tools', approvedTools: ['search'], approvers, timeoutSeconds: 2 }, { channel: 'voice' }),
  ], { app: { clock } });
});
afterAll(async () => stack.close());

const approvalOf = async (id: string) => (await call(stack.app.url, 'GET', `/approvals/${id}`)).body;

describe('timeouts of async flows (the sweeper)', () => {
  it('times a pending email out and the agent tells the user, with nothing sent', async () => {
    // Prepare
    const id = await startFlow(stack.app, 'quick-timeout', 'Email olga@example.com our refund policy');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    clock.advance(1_100);
    // Act
    const report = await stack.app.sweep();
    const done = await executionIn(stack.app, id, 'succeeded');
    // Assess: the one request this test owns timed out, nothing else
    expect(report).toMatchObject({ timedOut: 1, escalated: 0 });
    expect((await approvalOf(waiting.pendingApprovalIds[0])).status).toBe('timed_out');
    expect(done.output.message).toContain('No decision within the time allowed');
    expect(mailsTo(stack.outbox, 'olga@example.com')).toEqual([]);
  });

  it('escalates to the next level, whose approver then approves', async () => {
    const id = await startFlow(stack.app, 'quick-escalate', 'Email paul@example.com our refund policy');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    clock.advance(1_100);
    const report = await stack.app.sweep();
    const escalated = await executionIn(stack.app, id, 'waiting_for_approval');
    const approval = await approvalOf(waiting.pendingApprovalIds[0]);
    const decided = await decide(stack.app, approval.id, { decision: 'approve' }, { 'x-user': 'mia', 'x-groups': 'managers' });
    await executionIn(stack.app, id, 'succeeded');
    expect(report).toMatchObject({ timedOut: 0, escalated: 1 });
    expect(escalated.pendingApprovalIds).toEqual(waiting.pendingApprovalIds);
    expect(approval).toMatchObject({ status: 'pending', level: 1 });
    expect(decided.status).toBe(200);
    expect(mailsTo(stack.outbox, 'paul@example.com')).toHaveLength(1);
  });
});

describe('voice flows', () => {
  it('emits the hold event, then times the gate out at its deadline without the sweeper', async () => {
    const id = await startFlow(stack.app, 'voice-quick', 'Email quinn@example.com our refund policy');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    const done = await executionIn(stack.app, id, 'succeeded', 30_000);
    const approval = await approvalOf(waiting.pendingApprovalIds[0]);
    expect(waiting.holdEvents).toEqual([expect.objectContaining({ message: DEFAULT_HOLD_MESSAGE, nodeId: 'agent', requestId: approval.id })]);
    expect(approval.status).toBe('timed_out');
    expect(approval.decision).toMatchObject({ approver: 'system:timeout', channel: 'stepfunctions' });
    // The engine's 2 s timer decided, not a sweep (none ran): generous bounds, as real time passes here.
    const waited = Date.parse(approval.decision.decidedAt) - Date.parse(approval.createdAt);
    expect(waited).toBeGreaterThanOrEqual(1_000);
    expect(waited).toBeLessThan(30_000);
    expect(approval.delivery).toBe('delivered');
    expect(done.output.message).toContain('No decision within the time allowed');
    expect(mailsTo(stack.outbox, 'quinn@example.com')).toEqual([]);
  });

  it('waits 3 minutes by default and records the flow’s hold message and music', async () => {
    const id = await startFlow(stack.app, 'voice-support', 'Email rita@example.com our refund policy');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    const approval = await approvalOf(waiting.pendingApprovalIds[0]);
    await decide(stack.app, approval.id, { decision: 'approve' });
    await executionIn(stack.app, id, 'succeeded');
    expect(Date.parse(approval.dueAt) - Date.parse(approval.createdAt)).toBe(180_000);
    expect(approval.channel).toBe('voice');
    expect(waiting.holdEvents).toEqual([
      expect.objectContaining({ message: 'I need to verify this with my team. One moment please.', musicUrl: 'https://example.com/audio/hold-music.mp3' }),
    ]);
    expect(mailsTo(stack.outbox, 'rita@example.com')).toHaveLength(1);
  });
});
