import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowInput } from '#core/flow';
import { MemoryRefundLedger } from '../../lambdas/tools/refund.ts';
import { ADMIN, APPROVER, call } from '../support/http.ts';
import { decide, executionIn, shippedFlows, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';

const DANA_OF_FINANCE = { 'x-user': 'dana', 'x-groups': 'finance' };
const FIONA_OF_APPROVERS_AND_FINANCE = { 'x-user': 'fiona', 'x-groups': 'approvers,finance' };

const BLOCKED_COUNTRY = {
  id: 'refund-blocked-country',
  tools: ['refund'],
  when: 'args.country in ["KP", "IR", "SY", "CU"]',
  effect: 'deny',
  reason: 'Refunds cannot be paid out to this country under our sanctions policy.',
};
const LARGE_NEEDS_FINANCE = { id: 'refund-large', tools: ['refund'], when: 'args.amount > 50.0', effect: 'require_approval', approvers: { groups: ['finance'] } };

/** A refund desk where every refund waits for the approvers group, and large ones for finance. */
function refundDesk(id: string, quorum?: { approvals: number }): FlowInput {
  return {
    id,
    name: id,
    nodes: [{
      id: 'agent',
      type: 'agent',
      tools: ['search', 'refund'],
      hitl: { mode: 'confirm_tools', approvedTools: ['search'], approvers: { groups: ['approvers'] }, policies: [BLOCKED_COUNTRY, LARGE_NEEDS_FINANCE], ...(quorum ? { quorum } : {}) } as never,
    }],
  };
}

let stack: FlowsApp;
const refunds = new MemoryRefundLedger();
beforeAll(async () => {
  stack = await startFlowsApp([...shippedFlows(), refundDesk('refund-desk'), refundDesk('refund-desk-quorum', { approvals: 2 })], { module: { refunds } });
});
afterAll(async () => stack.close());

const refundsOf = (orderId: string) => refunds.refunds.filter((refund) => refund.orderId === orderId);

async function pausedRefund(flowId: string, message: string) {
  const executionId = await startFlow(stack.app, flowId, message);
  const waiting = await executionIn(stack.app, executionId, 'waiting_for_approval');
  return { executionId, approvalId: waiting.pendingApprovalIds[0] as string };
}

describe('edited arguments go through the node policy again', () => {
  it('refuses a refund edited to 99999 EUR to KP with 403 naming refund-blocked-country, over respond and batch-respond', async () => {
    // Prepare: 60 EUR to DE waits for finance under refund-large
    const { executionId, approvalId } = await pausedRefund('support-agent', 'Refund order B-2001 60 EUR to DE');
    const editedArgs = { orderId: 'B-2001', amount: 99999, currency: 'EUR', country: 'KP' };
    // Act
    const single = await decide(stack.app, approvalId, { decision: 'approve', editedArgs }, DANA_OF_FINANCE);
    const batch = await call(stack.app.url, 'POST', '/approvals/batch-respond', { body: { decisions: [{ id: approvalId, decision: 'approve', editedArgs }] }, as: DANA_OF_FINANCE });
    const after = (await call(stack.app.url, 'GET', `/approvals/${approvalId}`, { as: ADMIN })).body;
    // Assess
    expect(single.status).toBe(403);
    expect(single.body.error).toMatchObject({ code: 'PolicyRefused', policyId: 'refund-blocked-country' });
    expect(single.body.error.message).toContain('refund-blocked-country');
    expect(batch.body.results).toEqual([expect.objectContaining({ id: approvalId, status: 403, error: expect.objectContaining({ code: 'PolicyRefused', policyId: 'refund-blocked-country' }) })]);
    expect(after.status).toBe('pending');
    expect(after.events.map((event: any) => event.type)).not.toContain('decided');
    expect(refundsOf('B-2001')).toEqual([]);
    // The unedited call can still be approved.
    expect((await decide(stack.app, approvalId, { decision: 'approve' }, DANA_OF_FINANCE)).status).toBe(200);
    await executionIn(stack.app, executionId, 'succeeded');
    expect(refundsOf('B-2001')).toEqual([expect.objectContaining({ amount: 60, country: 'DE' })]);
  });

  it('refuses an edit raising a refund above 50 by an approver outside finance with 403 naming the finance group', async () => {
    // Prepare: 30 EUR waits for the approvers group (no rule lets it through)
    const { approvalId } = await pausedRefund('refund-desk', 'Refund order B-2002 30 EUR to DE');
    // Act
    const byBob = await decide(stack.app, approvalId, { decision: 'approve', editedArgs: { orderId: 'B-2002', amount: 80, currency: 'EUR', country: 'DE' } }, APPROVER);
    // Assess
    expect(byBob.status).toBe(403);
    expect(byBob.body.error).toMatchObject({ code: 'PolicyRefused', policyId: 'refund-large', approvers: { users: [], groups: ['finance'] } });
    expect(byBob.body.error.message).toContain('"finance"');
    expect((await call(stack.app.url, 'GET', `/approvals/${approvalId}`, { as: ADMIN })).body.status).toBe('pending');
    expect(refundsOf('B-2002')).toEqual([]);
  });

  it('lets a finance member make the same edit, and the raised refund runs', async () => {
    const { executionId, approvalId } = await pausedRefund('refund-desk', 'Refund order B-2003 30 EUR to DE');
    const byFiona = await decide(stack.app, approvalId, { decision: 'approve', editedArgs: { orderId: 'B-2003', amount: 80, currency: 'EUR', country: 'DE' } }, FIONA_OF_APPROVERS_AND_FINANCE);
    await executionIn(stack.app, executionId, 'succeeded');
    expect(byFiona.status).toBe(200);
    expect(refundsOf('B-2003')).toEqual([expect.objectContaining({ amount: 80 })]);
  });

  it('refuses an edited vote at a quorum node the same way, and records no vote', async () => {
    const { approvalId } = await pausedRefund('refund-desk-quorum', 'Refund order B-2004 30 EUR to DE');
    const vote = await decide(stack.app, approvalId, { decision: 'approve', editedArgs: { orderId: 'B-2004', amount: 30, currency: 'EUR', country: 'CU' } }, APPROVER);
    expect(vote.status).toBe(403);
    expect(vote.body.error.policyId).toBe('refund-blocked-country');
    expect((await call(stack.app.url, 'GET', `/approvals/${approvalId}`, { as: ADMIN })).body.votes ?? []).toEqual([]);
  });
});
