import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { gatesModule } from '#local/gates-module';
import { APPROVER, call, REQUESTER } from '../support/http.ts';

const AGENT = { 'x-user': 'refund-bot', 'x-groups': 'agents' };

let app: LocalApp;
const clients: Client[] = [];
beforeAll(async () => {
  // The shipped gates (refund-approval asks a person in approvers).
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [gatesModule({ env: {} })] });
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await app?.close();
});

/** The SDK's own client over streamable HTTP, with the caller's headers. */
async function mcpClient(as: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'hitl-test-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp`), { requestInit: { headers: as } }));
  clients.push(client);
  return client;
}

async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<{ isError: boolean; body: any }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.find((part) => part.type === 'text');
  return { isError: result.isError === true, body: text && text.type === 'text' ? JSON.parse(text.text) : undefined };
}

let keys = 0;
function refundRequest(amount: number, extra: Record<string, unknown> = {}) {
  return {
    gateId: 'refund-approval',
    action: { kind: 'tool_call', toolCall: { id: `c-${amount}`, name: 'refund', args: { orderId: 'A-7', amount } } },
    context: { conversation: [{ role: 'user', content: 'Refund order A-7 please' }], facts: { customerTier: 'gold' } },
    idempotencyKey: `mcp-${keys++}`,
    ...extra,
  };
}

describe('request_approval on the MCP server', () => {
  it('is offered next to the approval tools, with its arguments described', async () => {
    const { tools } = await (await mcpClient(AGENT)).listTools();

    const tool = tools.find((listed) => listed.name === 'request_approval');
    expect(tools.map((listed) => listed.name).sort()).toEqual(['decide_approval', 'get_approval', 'list_pending_approvals', 'request_approval']);
    expect(tool?.inputSchema.required).toEqual(expect.arrayContaining(['gateId', 'action']));
    expect(Object.keys(tool?.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['context', 'idempotencyKey', 'waitSeconds']));
  });

  it('answers pending with the request id; once an approver decides over REST, get_approval and a repeat show the decision', async () => {
    // Prepare
    const agent = await mcpClient(AGENT);
    const asked = refundRequest(120);

    // Act
    const first = await callTool(agent, 'request_approval', asked);
    const pendingView = await callTool(agent, 'get_approval', { id: first.body.requestId });
    const decided = await call(app.url, 'POST', `/approvals/${first.body.requestId}/respond`, { as: APPROVER, body: { decision: 'approve', reason: 'within policy' } });
    const polled = await callTool(agent, 'get_approval', { id: first.body.requestId });
    const repeated = await callTool(agent, 'request_approval', asked);

    // Assess
    expect(first).toMatchObject({ isError: false, body: { status: 'pending', gateId: 'refund-approval', repeated: false } });
    expect(first.body.requestId).toMatch(/^apr_/);
    expect(pendingView.body).toMatchObject({ id: first.body.requestId, status: 'pending', createdBy: 'refund-bot', action: { toolCall: { args: { amount: 120 } } } });
    expect(decided.status).toBe(200);
    expect(polled.body).toMatchObject({ status: 'approved', decision: { outcome: 'approved', approver: 'bob', reason: 'within policy' } });
    expect(repeated).toMatchObject({ isError: false, body: { requestId: first.body.requestId, repeated: true, status: 'approved', decision: { approver: 'bob' } } });
  });

  it('with waitSeconds, holds the call until an approver decides', async () => {
    // Prepare
    const agent = await mcpClient(AGENT);
    const asked = refundRequest(130);
    const { body: created } = await callTool(agent, 'request_approval', asked);

    // Act: the repeat waits; the approver rejects meanwhile.
    const waiting = callTool(agent, 'request_approval', { ...asked, waitSeconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await call(app.url, 'POST', `/approvals/${created.requestId}/respond`, { as: APPROVER, body: { decision: 'reject', reason: 'too much' } });

    // Assess
    expect((await waiting).body).toMatchObject({ requestId: created.requestId, status: 'rejected', decision: { outcome: 'rejected', reason: 'too much' } });
  });

  it('stores one request per idempotency key, and refuses the same key with another action', async () => {
    // Prepare
    const agent = await mcpClient(AGENT);
    const asked = refundRequest(140);

    // Act
    const first = await callTool(agent, 'request_approval', asked);
    const second = await callTool(agent, 'request_approval', asked);
    const changed = await callTool(agent, 'request_approval', { ...asked, action: refundRequest(9999).action });
    const listed = await call(app.url, 'GET', '/approvals?limit=100', { as: APPROVER });

    // Assess
    expect(second.body).toMatchObject({ requestId: first.body.requestId, repeated: true, status: 'pending' });
    expect(changed).toMatchObject({ isError: true, body: { error: { code: 'IdempotencyConflict', status: 409 } } });
    expect((listed.body as any).items.filter((item: any) => item.id === first.body.requestId)).toHaveLength(1);
  });

  it('answers an unknown gate with a tool error naming it, and stores nothing', async () => {
    const agent = await mcpClient(AGENT);

    const unknown = await callTool(agent, 'request_approval', refundRequest(150, { gateId: 'no-such-gate' }));
    const badShape = await callTool(agent, 'request_approval', refundRequest(151, { gateId: '../gates' }));

    expect(unknown).toMatchObject({ isError: true, body: { error: { code: 'NotFound', status: 404, message: expect.stringContaining('no-such-gate') } } });
    expect(badShape).toMatchObject({ isError: true, body: { error: { status: 404 } } });
  });

  it('refuses a caller outside the agents group, and stores nothing', async () => {
    // Prepare
    const before = ((await call(app.url, 'GET', '/approvals?limit=100', { as: APPROVER })).body as any).items.length;

    // Act
    const byApprover = await callTool(await mcpClient(APPROVER), 'request_approval', refundRequest(160));
    const byUser = await callTool(await mcpClient(REQUESTER), 'request_approval', refundRequest(161));

    // Assess
    expect(byApprover).toMatchObject({ isError: true, body: { error: { code: 'Forbidden', status: 403, message: expect.stringContaining('agents') } } });
    expect(byUser).toMatchObject({ isError: true, body: { error: { code: 'Forbidden', status: 403 } } });
    expect(((await call(app.url, 'GET', '/approvals?limit=100', { as: APPROVER })).body as any).items).toHaveLength(before);
  });

  it('refuses arguments that fail the tool schema with a tool error naming the field, before any request', async () => {
    const result = await (await mcpClient(AGENT)).callTool({ name: 'request_approval', arguments: { gateId: 'refund-approval', action: { kind: 'message' }, waitSeconds: 99 } });

    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/waitSeconds/);
  });
});
