import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVER, AUDITOR, REQUESTER, call } from '../support/http.ts';
import { agentFlow, decide, executionIn, lastAssistantText, mailsTo, shippedFlows, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';

let stack: FlowsApp;
beforeAll(async () => {
  const blockedEmail = agentFlow('blocked-email', { mode: 'confirm_tools', approvedTools: ['search'], blockedTools: ['send_email'], approvers: { groups: ['approvers'] } });
  stack = await startFlowsApp([...shippedFlows(), blockedEmail]);
});
afterAll(async () => stack.close());

const toolOutcomes = (execution: any) =>
  execution.conversation.filter((turn: any) => turn.role === 'tool').map((turn: any) => ({ tool: turn.toolName, ...JSON.parse(turn.content) }));

describe('confirm_tools mode (support-agent)', () => {
  it('runs the approved search at once, pauses send_email with a checkpoint, and sends exactly one email after approval', async () => {
    // Prepare
    const id = await startFlow(stack.app, 'support-agent', 'Email carol@example.com our refund policy');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    const approvalId = waiting.pendingApprovalIds[0];
    const approval = (await call(stack.app.url, 'GET', `/approvals/${approvalId}`)).body;
    const mailsBefore = mailsTo(stack.outbox, 'carol@example.com').length;
    // Act
    const decided = await decide(stack.app, approvalId, { decision: 'approve', reason: 'ok' });
    const done = await executionIn(stack.app, id, 'succeeded');
    // Assess
    expect(toolOutcomes(waiting)).toEqual([expect.objectContaining({ tool: 'search', status: 'ok' })]);
    expect(approval).toMatchObject({
      executionId: id,
      workflowId: 'support-agent',
      step: waiting.conversation.at(-1).toolCalls[0].id,
      requestedBy: 'alice',
      action: { kind: 'tool_call', toolCall: { name: 'send_email', args: { to: 'carol@example.com' } } },
      checkpoint: { schemaVersion: 1, stateName: 'agent.Gate', state: { conversation: waiting.conversation } },
    });
    expect(mailsBefore).toBe(0);
    expect(decided.status).toBe(200);
    expect(mailsTo(stack.outbox, 'carol@example.com')).toHaveLength(1);
    expect(done.output.message).toContain('refund');
    expect(done.pendingApprovalIds).toEqual([]);
    expect(toolOutcomes(done).at(-1)).toMatchObject({ tool: 'send_email', status: 'ok', approvedBy: 'bob' });
  });

  it('refuses a blocked tool without pausing, and the agent tells the user why', async () => {
    const id = await startFlow(stack.app, 'blocked-email', 'Email frank@example.com our refund policy');
    const done = await executionIn(stack.app, id, 'succeeded');
    expect(done.approvals).toEqual([]);
    expect(toolOutcomes(done).map((o: any) => [o.tool, o.status])).toEqual([['search', 'ok'], ['send_email', 'refused']]);
    expect(done.output.message).toContain('is not allowed at this step');
    expect(mailsTo(stack.outbox, 'frank@example.com')).toEqual([]);
  });

  it('never sends a rejected email: the agent passes the reason on verbatim and offers an alternative', async () => {
    const id = await startFlow(stack.app, 'support-agent', 'Email dave@example.com our shipping policy');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    await decide(stack.app, waiting.pendingApprovalIds[0], { decision: 'reject', reason: 'customer asked for a phone call instead' });
    const done = await executionIn(stack.app, id, 'succeeded');
    expect(mailsTo(stack.outbox, 'dave@example.com')).toEqual([]);
    expect(done.output.message).toContain('customer asked for a phone call instead');
    expect(done.output.message).toContain('Instead');
    expect(toolOutcomes(done).at(-1)).toMatchObject({ tool: 'send_email', status: 'rejected', approver: 'bob' });
  });

  it('gives each tool call of one turn its own request, and an execution-wide approval lets the next one through', async () => {
    const id = await startFlow(stack.app, 'support-agent', 'Email gina@example.com and hank@example.com our returns policy');
    const first = await executionIn(stack.app, id, 'waiting_for_approval');
    await decide(stack.app, first.pendingApprovalIds[0], { decision: 'approve', scope: 'execution' });
    const done = await executionIn(stack.app, id, 'succeeded');
    expect(first.conversation.at(-1).toolCalls.map((c: any) => c.args.to)).toEqual(['gina@example.com', 'hank@example.com']);
    expect(done.approvals).toHaveLength(1);
    expect(mailsTo(stack.outbox, 'gina@example.com')).toHaveLength(1);
    expect(mailsTo(stack.outbox, 'hank@example.com')).toHaveLength(1);
  });

  it('asks again for each call when approved once, and an execution-wide rejection refuses the rest', async () => {
    const id = await startFlow(stack.app, 'support-agent', 'Email ivy@example.com and jack@example.com and kim@example.com our warranty');
    const first = await executionIn(stack.app, id, 'waiting_for_approval');
    await decide(stack.app, first.pendingApprovalIds[0], { decision: 'approve' });
    const second = await eventually2(() => executionIn(stack.app, id, 'waiting_for_approval'), (e) => e.pendingApprovalIds[0] !== first.pendingApprovalIds[0]);
    await decide(stack.app, second.pendingApprovalIds[0], { decision: 'reject', reason: 'not this customer', scope: 'execution' });
    const done = await executionIn(stack.app, id, 'succeeded');
    expect(done.approvals.map((a: any) => a.status)).toEqual(['approved', 'rejected']);
    expect(toolOutcomes(done).slice(1).map((o: any) => o.status)).toEqual(['ok', 'rejected', 'refused']);
    expect(mailsTo(stack.outbox, 'ivy@example.com')).toHaveLength(1);
    expect(mailsTo(stack.outbox, 'kim@example.com')).toEqual([]);
  });

  it("sends with the approver's edited arguments", async () => {
    const id = await startFlow(stack.app, 'support-agent', 'Email lena@example.com our refund policy');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    const editedArgs = { to: 'lena.work@example.com', subject: 'Refunds', body: 'Our refund policy, as discussed.' };
    await decide(stack.app, waiting.pendingApprovalIds[0], { decision: 'approve', editedArgs });
    const done = await executionIn(stack.app, id, 'succeeded');
    expect(mailsTo(stack.outbox, 'lena.work@example.com')).toHaveLength(1);
    expect(mailsTo(stack.outbox, 'lena@example.com')).toEqual([]);
    expect(toolOutcomes(done).at(-1)).toMatchObject({ status: 'ok', editedArgs });
  });

  it('does not let the requester approve their own execution', async () => {
    const id = await startFlow(stack.app, 'support-agent', 'Email mona@example.com our refund policy', { 'x-user': 'alice', 'x-groups': 'approvers' });
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    const self = await decide(stack.app, waiting.pendingApprovalIds[0], { decision: 'approve' }, { 'x-user': 'alice', 'x-groups': 'approvers' });
    expect(self.status).toBe(403);
  });
});

describe('blocking mode (policy-review)', () => {
  it('pauses every action, the search and the answer, and goes on after each approval', async () => {
    const id = await startFlow(stack.app, 'policy-review', 'What is your warranty policy?');
    const atSearch = await executionIn(stack.app, id, 'waiting_for_approval');
    await decide(stack.app, atSearch.pendingApprovalIds[0], { decision: 'approve' });
    const atAnswer = await eventually2(() => executionIn(stack.app, id, 'waiting_for_approval'), (e) => e.pendingApprovalIds[0] !== atSearch.pendingApprovalIds[0]);
    const answer = (await call(stack.app.url, 'GET', `/approvals/${atAnswer.pendingApprovalIds[0]}`)).body;
    await decide(stack.app, atAnswer.pendingApprovalIds[0], { decision: 'approve' });
    const done = await executionIn(stack.app, id, 'succeeded');
    expect(answer.action).toMatchObject({ kind: 'message', text: expect.stringContaining('2-year warranty') });
    expect(done.output).toEqual({ message: answer.action.text });
    expect(lastAssistantText(done)).toBe(answer.action.text);
  });

  it('holds a rejected answer back: the flow ends with a notice that carries the reason', async () => {
    const id = await startFlow(stack.app, 'policy-review', 'What is your privacy policy?');
    const atSearch = await executionIn(stack.app, id, 'waiting_for_approval');
    await decide(stack.app, atSearch.pendingApprovalIds[0], { decision: 'approve' });
    const atAnswer = await eventually2(() => executionIn(stack.app, id, 'waiting_for_approval'), (e) => e.pendingApprovalIds[0] !== atSearch.pendingApprovalIds[0]);
    await decide(stack.app, atAnswer.pendingApprovalIds[0], { decision: 'reject', reason: 'legal must word this' });
    const done = await executionIn(stack.app, id, 'succeeded');
    expect(done.output).toEqual({ message: 'A reviewer held this answer back: legal must word this', heldBack: true });
    expect(done.conversation.filter((turn: any) => turn.role === 'assistant').some((turn: any) => turn.content.includes('personal data'))).toBe(false);
  });

  it('pauses a blocking tool node before it runs, with the previous node’s answer as its argument', async () => {
    const id = await startFlow(stack.app, 'answer-and-forward', 'What is your shipping policy?');
    const waiting = await executionIn(stack.app, id, 'waiting_for_approval');
    const approval = (await call(stack.app.url, 'GET', `/approvals/${waiting.pendingApprovalIds[0]}`)).body;
    const before = mailsTo(stack.outbox, 'support-team@example.com').length;
    await decide(stack.app, approval.id, { decision: 'approve' });
    await executionIn(stack.app, id, 'succeeded');
    expect(approval).toMatchObject({ nodeId: 'forward', mode: 'blocking', checkpoint: { stateName: 'forward.Gate' } });
    expect(approval.action.toolCall.args.body).toContain('Orders ship within 2 business days');
    expect(before).toBe(0);
    expect(mailsTo(stack.outbox, 'support-team@example.com')).toHaveLength(1);
  });
});

describe('audit mode (support-agent-audited)', () => {
  it('never waits and logs every message, tool call and tool result', async () => {
    const id = await startFlow(stack.app, 'support-agent-audited', 'Email nora@example.com our returns policy');
    const done = await executionIn(stack.app, id, 'succeeded');
    const audit = await call(stack.app.url, 'GET', `/audit?execution=${id}&limit=100`, { as: AUDITOR });
    const asApprover = await call(stack.app.url, 'GET', `/audit?execution=${id}&limit=100`, { as: APPROVER });
    expect(asApprover.status).toBe(403);
    expect(done.approvals).toEqual([]);
    expect(audit.body.items.map((entry: any) => entry.kind)).toEqual(['tool_call', 'tool_result', 'message', 'tool_call', 'tool_result', 'message']);
    expect(audit.body.items.at(-1).detail.text).toBe(done.output.message);
    expect(mailsTo(stack.outbox, 'nora@example.com')).toHaveLength(1);
  });
});

describe('executions API', () => {
  it('answers 400 naming the field, 401 without identity, and 404 for unknown flows and executions', async () => {
    const bad = await call(stack.app.url, 'POST', '/flows/support-agent/executions', { body: { input: { text: 'hi' } }, as: REQUESTER });
    const anonymous = await call(stack.app.url, 'POST', '/flows/support-agent/executions', { body: { input: { message: 'hi' } }, as: null });
    const unknownFlow = await call(stack.app.url, 'POST', '/flows/no-such-flow/executions', { body: { input: { message: 'hi' } }, as: REQUESTER });
    const unknownExecution = await call(stack.app.url, 'GET', '/executions/00000000-0000-0000-0000-000000000000');
    const oddExecution = await call(stack.app.url, 'GET', '/executions/..%2F..%2Fetc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: any) => i.path)).toContain('input.message');
    expect(anonymous.status).toBe(401);
    expect(unknownFlow.status).toBe(404);
    expect(unknownExecution.status).toBe(404);
    expect(oddExecution.status).toBe(404);
  });
});

/** Polls `probe` until `accept` holds for its result (executionIn alone would return the previous pause). */
async function eventually2<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(value).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
