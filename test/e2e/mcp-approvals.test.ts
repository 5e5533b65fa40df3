import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionIn, mailsTo, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';
import { ADMIN, APPROVER, REQUESTER } from '../support/http.ts';

const MALLORY = { 'x-user': 'mallory', 'x-groups': 'nobody' };

let stack: FlowsApp;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startFlowsApp();
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await stack?.close();
});

/** The SDK's own client over streamable HTTP, as an MCP host connects, with the caller's headers. */
async function mcpClient(as: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'hitl-test-client', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${stack.app.url}/mcp`), { requestInit: { headers: as } }));
  clients.push(client);
  return client;
}

async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<{ isError: boolean; body: any }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.find((part) => part.type === 'text');
  return { isError: result.isError === true, body: text && text.type === 'text' ? JSON.parse(text.text) : undefined };
}

/** Starts the support agent to email someone; it waits at its send_email gate. Returns the execution and approval ids. */
async function pausedEmail(to: string): Promise<{ executionId: string; approvalId: string }> {
  const executionId = await startFlow(stack.app, 'support-agent', `Email ${to} our refund policy`);
  const waiting = await executionIn(stack.app, executionId, 'waiting_for_approval', 10_000);
  return { executionId, approvalId: waiting.pendingApprovalIds[0] };
}

describe('the approvals MCP server at /mcp', () => {
  it('offers the approval tools to an MCP client', async () => {
    const client = await mcpClient(APPROVER);

    const { tools } = await client.listTools();

    expect(client.getServerVersion()).toMatchObject({ name: 'hitl-approvals' });
    expect(tools.map((tool) => tool.name).sort()).toEqual(['decide_approval', 'get_approval', 'list_pending_approvals']);
    expect(tools.find((tool) => tool.name === 'decide_approval')?.inputSchema.required).toEqual(expect.arrayContaining(['id', 'decision']));
  });

  it('lists and shows pending requests to those who may read them, and to nobody else', async () => {
    // Prepare
    const { approvalId } = await pausedEmail('dave@example.com');
    const approver = await mcpClient(APPROVER);
    const mallory = await mcpClient(MALLORY);

    // Act
    const listed = await callTool(approver, 'list_pending_approvals', { limit: 100 });
    const shown = await callTool(approver, 'get_approval', { id: approvalId });
    const listedToMallory = await callTool(mallory, 'list_pending_approvals', {});
    const shownToMallory = await callTool(mallory, 'get_approval', { id: approvalId });

    // Assess
    expect(listed.isError).toBe(false);
    expect(listed.body.items.find((item: any) => item.id === approvalId)).toMatchObject({ status: 'pending', canDecide: true });
    expect(shown.body).toMatchObject({ id: approvalId, status: 'pending', action: { kind: 'tool_call', toolCall: { name: 'send_email' } } });
    expect(JSON.stringify(shown.body)).toContain('dave@example.com');
    expect(listedToMallory.body.items).toEqual([]);
    expect(shownToMallory).toEqual({ isError: true, body: { error: expect.objectContaining({ code: 'NotFound', status: 404 }) } });
  });

  it('refuses a decision by someone who may not decide, and decides nothing', async () => {
    // Prepare
    const { approvalId } = await pausedEmail('erin@example.com');

    // Act
    const byMallory = await callTool(await mcpClient(MALLORY), 'decide_approval', { id: approvalId, decision: 'approve' });
    const byRequester = await callTool(await mcpClient(REQUESTER), 'decide_approval', { id: approvalId, decision: 'approve', reason: 'my own' });
    const badDecision = await callTool(await mcpClient(APPROVER), 'decide_approval', { id: approvalId, decision: 'reject', editedArgs: { to: 'x@example.com' } });

    // Assess
    expect(byMallory).toMatchObject({ isError: true, body: { error: { code: 'Forbidden', status: 403 } } });
    expect(byRequester).toMatchObject({ isError: true, body: { error: { status: 403 } } });
    expect(badDecision).toMatchObject({ isError: true, body: { error: { code: 'ValidationError', status: 400 } } });
    expect((await callTool(await mcpClient(ADMIN), 'get_approval', { id: approvalId })).body.status).toBe('pending');
  });

  it('approves with a reason and edited arguments, and the workflow resumes and runs the edited call once', async () => {
    // Prepare
    const { executionId, approvalId } = await pausedEmail('frank@example.com');
    const approver = await mcpClient(APPROVER);
    const proposed = (await callTool(approver, 'get_approval', { id: approvalId })).body.action.toolCall.args;

    // Act
    const decided = await callTool(approver, 'decide_approval', {
      id: approvalId,
      decision: 'approve',
      reason: 'checked, sent to the account owner instead',
      editedArgs: { ...proposed, to: 'frank.owner@example.com' },
    });

    // Assess
    expect(decided.isError, JSON.stringify(decided.body)).toBe(false);
    expect(decided.body).toMatchObject({ decidedNow: true, approval: { status: 'approved', decision: { outcome: 'approved', approver: 'bob', channel: 'mcp', reason: 'checked, sent to the account owner instead' } } });
    await executionIn(stack.app, executionId, 'succeeded', 10_000);
    expect(mailsTo(stack.outbox, 'frank.owner@example.com')).toHaveLength(1);
    expect(mailsTo(stack.outbox, 'frank@example.com')).toHaveLength(0);
    // Decided once: a second call is not a second decision.
    const again = await callTool(approver, 'decide_approval', { id: approvalId, decision: 'reject', reason: 'changed my mind' });
    expect(again).toMatchObject({ isError: true, body: { error: { status: 409 } } });
  });

  it('needs an identity, as the REST routes do (401 before MCP runs)', async () => {
    const response = await fetch(`${stack.app.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });

    expect(response.status).toBe(401);
    await expect(mcpClient({})).rejects.toThrow();
  });

  it('is stateless: no session stream to open (GET answers 405), and a malformed message is a JSON-RPC error, not a 5xx', async () => {
    const stream = await fetch(`${stack.app.url}/mcp`, { headers: { ...APPROVER, accept: 'text/event-stream' } });
    const malformed = await fetch(`${stack.app.url}/mcp`, {
      method: 'POST',
      headers: { ...APPROVER, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"jsonrpc":',
    });

    expect(stream.status).toBe(405);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
  });
});
