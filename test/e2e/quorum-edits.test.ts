import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/http.ts';
import { agentFlow, decide, executionIn, mailsTo, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';

const as = (user: string) => ({ 'x-user': user, 'x-groups': 'approvers' });
const [BOB, ERIN, CAROL, FRANK] = ['bob', 'erin', 'carol', 'frank'].map(as);

let stack: FlowsApp;
beforeAll(async () => {
  stack = await startFlowsApp([
    agentFlow('two-approvals', { mode: 'confirm_tools', approvedTools: ['search'], approvers: { groups: ['approvers'] }, quorum: { approvals: 2 } }),
  ]);
});
afterAll(async () => stack.close());

async function pausedEmail(to: string) {
  const executionId = await startFlow(stack.app, 'two-approvals', `Email ${to} our refund policy`);
  const waiting = await executionIn(stack.app, executionId, 'waiting_for_approval');
  const proposed = waiting.conversation.at(-1).toolCalls[0].args as Record<string, unknown>;
  return { executionId, approvalId: waiting.pendingApprovalIds[0] as string, proposed };
}

const approvalOf = async (id: string) => (await call(stack.app.url, 'GET', `/approvals/${id}`)).body;

describe('a 2-of-n quorum approves one exact set of arguments', () => {
  it('does not let the last voter rewrite the arguments: an edit with another scope opens its own ballot', async () => {
    // Prepare
    const { executionId, approvalId, proposed } = await pausedEmail('olivia@example.com');
    const rewritten = { ...proposed, to: 'mallory@example.com' };
    // Act
    const byBob = await decide(stack.app, approvalId, { decision: 'approve' }, BOB);
    const byErin = await decide(stack.app, approvalId, { decision: 'approve', editedArgs: rewritten, scope: 'execution' }, ERIN);
    const afterErin = await approvalOf(approvalId);
    const byCarol = await decide(stack.app, approvalId, { decision: 'approve' }, CAROL);
    const done = await executionIn(stack.app, executionId, 'succeeded');
    const approval = await approvalOf(approvalId);
    // Assess: erin's vote stands on its own; bob and carol decide the proposed call, once
    expect(byBob.status).toBe(202);
    expect(byErin.status).toBe(202);
    expect(byErin.body).toMatchObject({ delivery: 'awaiting_votes', tally: { approvals: 2, rejections: 0 } });
    expect(afterErin.status).toBe('pending');
    expect(byCarol.status).toBe(200);
    expect(mailsTo(stack.outbox, 'mallory@example.com')).toEqual([]);
    expect(mailsTo(stack.outbox, 'olivia@example.com')).toHaveLength(1);
    expect(approval.decision).toMatchObject({ outcome: 'approved', approver: 'carol', scope: 'once' });
    expect(approval.decision.editedArgs).toBeUndefined();
    expect(approval.votes.map((v: any) => [v.approver, v.scope, v.editedArgs?.to])).toEqual([
      ['bob', 'once', undefined],
      ['erin', 'execution', 'mallory@example.com'],
      ['carol', 'once', undefined],
    ]);
    expect(done.output.message).toContain('olivia@example.com');
  });

  it('runs edited arguments once two approvers name them, with the narrowest scope they chose', async () => {
    // Prepare
    const { executionId, approvalId, proposed } = await pausedEmail('quentin@example.com');
    const edited = { ...proposed, to: 'quentin.work@example.com' };
    // Act: the same edit, its keys in another order, so equality is of the arguments and not their spelling
    const byErin = await decide(stack.app, approvalId, { decision: 'approve', editedArgs: edited, scope: 'execution' }, ERIN);
    const reordered = Object.fromEntries(Object.entries(edited).reverse());
    const byFrank = await decide(stack.app, approvalId, { decision: 'approve', editedArgs: reordered }, FRANK);
    await executionIn(stack.app, executionId, 'succeeded');
    const approval = await approvalOf(approvalId);
    // Assess
    expect(byErin.status).toBe(202);
    expect(byFrank.status).toBe(200);
    expect(approval.decision).toMatchObject({ outcome: 'approved', approver: 'frank', scope: 'once', editedArgs: edited });
    expect(mailsTo(stack.outbox, 'quentin.work@example.com')).toHaveLength(1);
    expect(mailsTo(stack.outbox, 'quentin@example.com')).toEqual([]);
  });

  it('refuses a second, different vote by the same person with 409 and keeps the first', async () => {
    const { approvalId, proposed } = await pausedEmail('rita@example.com');
    await decide(stack.app, approvalId, { decision: 'approve' }, BOB);
    const edit = await decide(stack.app, approvalId, { decision: 'approve', editedArgs: { ...proposed, to: 'other@example.com' } }, BOB);
    const wider = await decide(stack.app, approvalId, { decision: 'approve', scope: 'execution' }, BOB);
    const again = await decide(stack.app, approvalId, { decision: 'approve' }, BOB);
    expect(edit.status).toBe(409);
    expect(wider.status).toBe(409);
    expect(again.status).toBe(202);
    expect((await approvalOf(approvalId)).votes).toEqual([expect.objectContaining({ approver: 'bob', scope: 'once' })]);
    expect((await approvalOf(approvalId)).votes[0].editedArgs).toBeUndefined();
  });
});
