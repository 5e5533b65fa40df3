import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationTurn } from '#core/action';
import type { AgentModels } from '../../lambdas/agents/models.ts';
import { decide, executionIn, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';
import { ADMIN, APPROVER, call } from '../support/http.ts';

// Step Functions carries at most 256 KB into and out of every state. A tool that answers 400 KB and an
// agent that thinks aloud for 150 KB are kept in the table, and the execution carries references.

const REPORT = `quarterly report: ${'r'.repeat(400_000)} (end of report)`;
const THOUGHTS = `Let me fetch the report first. ${'t'.repeat(150_000)}`;

/** What the model was handed on each turn: the length of the report it read, when it read one. */
const seen: { reportChars?: number; thoughtsChars?: number }[] = [];

/** A 300 KB answer, from the agent whose system prompt asks for one. */
const LONG_ANSWER = `Here is everything: ${'a'.repeat(300_000)} (end of answer)`;

const reportReader: AgentModels = {
  modelFor: (_model, system) => ({
    next: async (conversation: ConversationTurn[]) => {
      if (system === 'answer at length') return { message: LONG_ANSWER };
      const report = conversation.find((turn) => turn.role === 'tool' && turn.toolName === 'fetch_report');
      const thoughts = conversation.find((turn) => turn.role === 'assistant' && turn.content.startsWith('Let me fetch'));
      seen.push({ reportChars: report?.content.length, thoughtsChars: thoughts?.content.length });
      const mailed = conversation.some((turn) => turn.role === 'tool' && turn.toolName === 'send_email');
      if (!report) return { message: THOUGHTS, toolCalls: [{ id: 'fetch', name: 'fetch_report', args: {} }] };
      if (!mailed) {
        const whole = report.content.includes('(end of report)') && report.content.includes(REPORT.slice(0, 200));
        return { toolCalls: [{ id: 'mail', name: 'send_email', args: { to: 'cfo@example.com', subject: 'Report', body: whole ? 'whole report read' : 'report cut' } }] };
      }
      return { message: `Read ${report.content.length} characters of the report and mailed the CFO.` };
    },
  }),
};

let reports: Server;
let stack: FlowsApp;

beforeAll(async () => {
  reports = createServer((req, res) => {
    req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ report: REPORT })));
  });
  await new Promise<void>((resolve) => reports.listen(0, '127.0.0.1', resolve));
  stack = await startFlowsApp(undefined, { module: { models: reportReader } });
  const tool = await call(stack.app.url, 'PUT', '/tools/fetch_report', {
    as: ADMIN,
    body: {
      description: 'Fetches the quarterly report',
      argsSchema: { type: 'object', properties: {}, additionalProperties: false },
      delivery: 'idempotent',
      http: { method: 'POST', url: `http://127.0.0.1:${(reports.address() as AddressInfo).port}/report`, timeoutMs: 5_000, maxResponseBytes: 1_000_000 },
    },
  });
  expect(tool.status, tool.text).toBe(201);
  const flow = {
    name: 'Report mailer',
    nodes: [
      {
        id: 'agent',
        type: 'agent',
        tools: ['fetch_report', 'send_email'],
        hitl: { mode: 'confirm_tools', approvedTools: ['fetch_report'], approvers: { groups: ['approvers'] } },
      },
    ],
    edges: [],
  };
  await saveAndDeploy('report-mailer', flow);
  // The same agent, audited instead of gated: everything it says and every result goes to the audit log.
  // An agent whose answer waits for a person, and whose answer is 300 KB.
  await saveAndDeploy('long-answer', { ...flow, name: 'Long answer', nodes: [{ ...flow.nodes[0], system: 'answer at length', hitl: { mode: 'blocking', approvers: { groups: ['approvers'] } } }] });
  await saveAndDeploy('report-auditor', { ...flow, name: 'Report auditor', nodes: [{ ...flow.nodes[0], hitl: { mode: 'audit' } }] });
});

async function saveAndDeploy(id: string, flow: Record<string, unknown>): Promise<void> {
  const saved = await call(stack.app.url, 'PUT', `/flows/${id}`, { body: flow, as: ADMIN });
  expect(saved.status, saved.text).toBe(201);
  const deployed = await call(stack.app.url, 'POST', `/flows/${id}/deploy`, { body: { revisionId: saved.body.revision.revision }, as: ADMIN });
  expect(deployed.status, deployed.text).toBe(200);
}
afterAll(async () => {
  await stack?.close();
  reports?.close();
});

describe('large tool results and agent turns', () => {
  it('pauses at the gate with the whole content for the approver, and the agent gets the whole report after the approval', async () => {
    // Act
    const executionId = await startFlow(stack.app, 'report-mailer', 'Mail the CFO the quarterly report');
    const waiting = await executionIn(stack.app, executionId, 'waiting_for_approval', 30_000);
    const approvalId = waiting.pendingApprovalIds[0];
    const request = await call(stack.app.url, 'GET', `/approvals/${approvalId}`, { as: APPROVER });
    const listed = await call(stack.app.url, 'GET', '/approvals?status=pending', { as: APPROVER });
    const approved = await decide(stack.app, approvalId, { decision: 'approve' });
    const done = await executionIn(stack.app, executionId, 'succeeded', 30_000);

    // Assess: the approver reads the report and the agent's long turn whole, in the request and the execution.
    expect(request.status).toBe(200);
    const checkpointed: ConversationTurn[] = request.body.checkpoint.state.conversation;
    expect(checkpointed.find((turn) => turn.toolName === 'fetch_report')?.content).toContain(REPORT);
    expect(checkpointed.find((turn) => turn.role === 'assistant')?.content).toBe(THOUGHTS);
    expect(request.body.action).toMatchObject({ kind: 'tool_call', toolCall: { name: 'send_email', args: { body: 'whole report read' } } });
    expect(JSON.stringify(waiting.conversation)).toContain(REPORT);
    // The request's own context holds only the beginning of each turn, so its item stays small; lists stay small too.
    expect(JSON.stringify(request.body.context).length).toBeLessThan(50_000);
    expect(listed.text.length).toBeLessThan(64 * 1024);

    // Assess: the agent was handed the whole report (and its own turn) on every turn after the tool ran.
    expect(approved.status, approved.text).toBe(200);
    expect(done.output.message).toBe(`Read ${JSON.stringify({ status: 'ok', result: { report: REPORT } }).length} characters of the report and mailed the CFO.`);
    expect(seen.filter((turn) => turn.reportChars !== undefined).map((turn) => turn.reportChars)).toEqual([
      expect.any(Number),
      expect.any(Number),
    ]);
    expect(new Set(seen.filter((turn) => turn.reportChars !== undefined).map((turn) => turn.reportChars)).size).toBe(1);
    expect(seen.filter((turn) => turn.thoughtsChars !== undefined).every((turn) => turn.thoughtsChars === THOUGHTS.length)).toBe(true);
    expect(JSON.stringify(done.conversation)).toContain(REPORT);
  });

  it('audits a large result and a long turn by reference: the entries stay small and their chain still pins the texts', async () => {
    // Act
    const executionId = await startFlow(stack.app, 'report-auditor', 'Mail the CFO the quarterly report');
    await executionIn(stack.app, executionId, 'succeeded', 30_000);
    const audit = await call(stack.app.url, 'GET', `/audit?execution=${encodeURIComponent(executionId)}`, { as: ADMIN });
    const verified = await call(stack.app.url, 'GET', `/audit/verify?execution=${encodeURIComponent(executionId)}`, { as: ADMIN });

    // Assess
    const result = audit.body.items.find((entry: { kind: string; detail: { name?: string } }) => entry.kind === 'tool_result' && entry.detail.name === 'fetch_report');
    expect(result.detail.outcome.result.report).toMatchObject({ $ref: 'hitl:payload', bytes: REPORT.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const message = audit.body.items.find((entry: { kind: string; detail: { text?: unknown } }) => entry.kind === 'message' && typeof entry.detail.text === 'object');
    expect(message.detail.text).toMatchObject({ $ref: 'hitl:payload', bytes: THOUGHTS.length });
    expect(verified.body).toMatchObject({ ok: true });
  });

  it("holds a 300 KB answer at its gate whole for the approver, with only its beginning in the request, and releases it whole", async () => {
    // Act
    const executionId = await startFlow(stack.app, 'long-answer', 'Tell me everything');
    const waiting = await executionIn(stack.app, executionId, 'waiting_for_approval', 30_000);
    const approvalId = waiting.pendingApprovalIds[0];
    const request = await call(stack.app.url, 'GET', `/approvals/${approvalId}`, { as: APPROVER });
    const listed = await call(stack.app.url, 'GET', '/approvals?status=pending', { as: APPROVER });
    const approved = await decide(stack.app, approvalId, { decision: 'approve' });
    const done = await executionIn(stack.app, executionId, 'succeeded', 30_000);

    // Assess
    expect(request.body.action).toEqual({ kind: 'message', text: LONG_ANSWER });
    const item = listed.body.items.find((summary: { id: string }) => summary.id === approvalId);
    expect(item.action.textPreview).toBe(LONG_ANSWER.slice(0, 99) + '…');
    expect(approved.status, approved.text).toBe(200);
    expect(done.output.message).toBe(LONG_ANSWER);
  });
});
