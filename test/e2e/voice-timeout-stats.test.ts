import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, call } from '../support/http.ts';
import { agentFlow, executionIn, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';

let stack: FlowsApp;
beforeAll(async () => {
  stack = await startFlowsApp([
    agentFlow('voice-stats', { mode: 'confirm_tools', approvedTools: ['search'], approvers: { groups: ['approvers'] }, timeoutSeconds: 1 }, { channel: 'voice' }),
  ]);
});
afterAll(async () => stack.close());

describe('statistics of voice gates', () => {
  it('counts a voice gate that times out at its Step Functions deadline as timed_out', async () => {
    // Prepare
    const id = await startFlow(stack.app, 'voice-stats', 'Email sven@example.com our refund policy');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    // Act: nobody answers; the gate task's own timeout decides, not the sweeper
    await executionIn(stack.app, id, 'succeeded', 8_000);
    const stats = await call(stack.app.url, 'GET', '/stats', { headers: ADMIN });
    // Assess
    expect((await call(stack.app.url, 'GET', `/approvals/${waiting.pendingApprovalIds[0]}`)).body.status).toBe('timed_out');
    const row = stats.body.items.find((r: { workflowId: string }) => r.workflowId === 'voice-stats');
    expect(row).toMatchObject({ nodeId: 'agent', tool: 'send_email', approved: 0, rejected: 0, timed_out: 1, escalated: 0 });
  });
});
