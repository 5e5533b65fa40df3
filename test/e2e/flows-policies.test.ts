import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRefundLedger } from '../../lambdas/tools/refund.ts';
import { APPROVER, AUDITOR, call } from '../support/http.ts';
import { decide, executionIn, mailsTo, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';

const FINANCE = { 'x-user': 'dana', 'x-groups': 'finance' };

let stack: FlowsApp;
const refunds = new MemoryRefundLedger();
beforeAll(async () => {
  stack = await startFlowsApp(undefined, { module: { refunds } });
});
afterAll(async () => stack.close());

const toolOutcomes = (execution: any) =>
  execution.conversation.filter((turn: any) => turn.role === 'tool').map((turn: any) => ({ tool: turn.toolName, ...JSON.parse(turn.content) }));
const auditOf = async (executionId: string) => (await call(stack.app.url, 'GET', `/audit?execution=${executionId}&limit=100`, { as: AUDITOR })).body.items;
const refundsOf = (orderId: string) => refunds.refunds.filter((refund) => refund.orderId === orderId);

describe('refund policies on the support agent (CEL)', () => {
  it('lets a refund of 49.99 through without a request, audited with the policy that allowed it', async () => {
    // Act
    const id = await startFlow(stack.app, 'support-agent', 'Refund order A-1001 49.99 EUR to DE');
    const done = await executionIn(stack.app, id, 'succeeded');
    // Assess
    expect(done.approvals).toEqual([]);
    expect(toolOutcomes(done)).toEqual([expect.objectContaining({ tool: 'refund', status: 'ok', result: expect.objectContaining({ refunded: true, amount: 49.99 }) })]);
    expect(refundsOf('A-1001')).toEqual([expect.objectContaining({ amount: 49.99, currency: 'EUR', country: 'DE' })]);
    expect(done.output.message).toMatch(/^I refunded 49.99 EUR for order A-1001 to DE/);
    expect(await auditOf(id)).toContainEqual(expect.objectContaining({ kind: 'gate_passed', actor: 'system:policy', detail: expect.objectContaining({ policyId: 'refund-small' }) }));
  });

  it('pauses a refund of 50.01 for the finance group only: an approvers member gets 403, dana of finance approves and it runs once', async () => {
    // Prepare
    const id = await startFlow(stack.app, 'support-agent', 'Refund order A-1002 50.01 EUR to DE');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    const approvalId = waiting.pendingApprovalIds[0];
    const approval = (await call(stack.app.url, 'GET', `/approvals/${approvalId}`, { as: FINANCE })).body;
    // Act
    const byApprovers = await decide(stack.app, approvalId, { decision: 'approve' }, APPROVER);
    const byFinance = await decide(stack.app, approvalId, { decision: 'approve', reason: 'checked the order' }, FINANCE);
    const done = await executionIn(stack.app, id, 'succeeded');
    // Assess
    expect(approval).toMatchObject({
      policy: { id: 'refund-large', why: expect.stringContaining('refund-large') },
      hitl: { approvers: { users: [], groups: ['finance'] } },
      action: { kind: 'tool_call', toolCall: { name: 'refund', args: { orderId: 'A-1002', amount: 50.01 } } },
    });
    expect(refundsOf('A-1002')).toHaveLength(1);
    expect(byApprovers.status).toBe(403);
    expect(byFinance.status).toBe(200);
    expect(toolOutcomes(done).at(-1)).toMatchObject({ tool: 'refund', status: 'ok', approvedBy: 'dana' });
    expect(await auditOf(id)).toContainEqual(expect.objectContaining({ kind: 'gate_paused', detail: expect.objectContaining({ policyId: 'refund-large' }) }));
  });

  it('refuses a refund to a blocked country without a request, and the agent passes the reason on', async () => {
    const id = await startFlow(stack.app, 'support-agent', 'Refund order A-1003 20 EUR to KP');
    const done = await executionIn(stack.app, id, 'succeeded');
    expect(done.approvals).toEqual([]);
    expect(toolOutcomes(done)).toEqual([expect.objectContaining({ tool: 'refund', status: 'refused' })]);
    expect(done.output.message).toContain('cannot be paid out to this country under our sanctions policy');
    expect(refundsOf('A-1003')).toEqual([]);
    expect(await auditOf(id)).toContainEqual(
      expect.objectContaining({ kind: 'gate_denied', actor: 'system:policy', detail: expect.objectContaining({ policyId: 'refund-blocked-country' }) }),
    );
  });
});

describe('approve with edits', () => {
  it('sends the edited email once, to the edited address, records the diff and the executed arguments, and tells the agent', async () => {
    // Prepare
    const id = await startFlow(stack.app, 'support-agent', 'Email olivia@example.com our refund policy');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    const approvalId = waiting.pendingApprovalIds[0];
    const proposed = waiting.conversation.at(-1).toolCalls[0].args;
    const editedArgs = { ...proposed, to: 'olivia.work@example.com' };
    // Act
    const decided = await decide(stack.app, approvalId, { decision: 'approve', editedArgs });
    const done = await executionIn(stack.app, id, 'succeeded');
    const events = (await call(stack.app.url, 'GET', `/approvals/${approvalId}/events`)).body.items;
    const approval = (await call(stack.app.url, 'GET', `/approvals/${approvalId}`)).body;
    // Assess
    expect(decided.status).toBe(200);
    expect(mailsTo(stack.outbox, 'olivia.work@example.com')).toHaveLength(1);
    expect(mailsTo(stack.outbox, 'olivia@example.com')).toEqual([]);
    expect(events.find((event: any) => event.type === 'decided').detail.argsDiff).toEqual([{ path: 'to', from: 'olivia@example.com', to: 'olivia.work@example.com' }]);
    expect(events.filter((event: any) => event.type === 'executed')).toEqual([expect.objectContaining({ actor: 'tool:send_email', detail: { args: editedArgs } })]);
    expect(approval.action.toolCall.args).toEqual(proposed);
    expect(approval.decision.editedArgs).toEqual(editedArgs);
    expect(toolOutcomes(done).at(-1)).toMatchObject({ tool: 'send_email', status: 'ok', notice: 'An approver changed the arguments: to: olivia@example.com -> olivia.work@example.com' });
    expect(done.output.message).toContain('I emailed olivia.work@example.com');
  });

  it('answers 400 naming the field for edited arguments that do not fit the tool, and changes nothing', async () => {
    // Prepare
    const id = await startFlow(stack.app, 'support-agent', 'Email peter@example.com our shipping policy');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    const approvalId = waiting.pendingApprovalIds[0];
    const proposed = waiting.conversation.at(-1).toolCalls[0].args;
    // Act
    const invalid = await decide(stack.app, approvalId, { decision: 'approve', editedArgs: { ...proposed, to: 'not-an-address' } });
    const unknownField = await decide(stack.app, approvalId, { decision: 'approve', editedArgs: { ...proposed, cc: 'x@example.com' } });
    const after = (await call(stack.app.url, 'GET', `/approvals/${approvalId}`)).body;
    const still = await executionIn(stack.app, id, 'waiting_for_approval');
    // Assess
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.issues.map((issue: any) => issue.path)).toEqual(['editedArgs.to']);
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.issues[0].path).toBe('editedArgs');
    expect(unknownField.body.error.issues[0].message).toContain('cc');
    expect(after).toMatchObject({ status: 'pending' });
    expect(after.events.map((event: any) => event.type)).not.toContain('decided');
    expect(still.pendingApprovalIds).toEqual([approvalId]);
    expect(mailsTo(stack.outbox, 'peter@example.com')).toEqual([]);
    // The request can still be decided.
    expect((await decide(stack.app, approvalId, { decision: 'reject', reason: 'not now' })).status).toBe(200);
  });

  it('tells the agent that a finance approver lowered a refund, and refunds the lowered amount', async () => {
    const id = await startFlow(stack.app, 'support-agent', 'Refund order A-1004 80 EUR to FR');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    await decide(stack.app, waiting.pendingApprovalIds[0], { decision: 'approve', editedArgs: { orderId: 'A-1004', amount: 60, currency: 'EUR', country: 'FR' } }, FINANCE);
    const done = await executionIn(stack.app, id, 'succeeded');
    expect(refundsOf('A-1004')).toEqual([expect.objectContaining({ amount: 60, currency: 'EUR' })]);
    expect(done.output.message).toContain('I refunded 60 EUR for order A-1004');
    expect(done.output.message).toContain('An approver changed the arguments: amount: 80 -> 60.');
  });
});
