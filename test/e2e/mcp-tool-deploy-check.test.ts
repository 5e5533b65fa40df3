import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { startFlowsApp, type FlowsApp } from '../support/flows.ts';
import { ADMIN, call } from '../support/http.ts';

/** What the MCP server lists: `open_ticket` with one schema or another, or no tool at all. */
let offered: 'v1' | 'v2' | 'none' = 'v1';
let mcpHttp: Server;
let mcpUrl: string;
let stack: FlowsApp;

function ticketServer(): McpServer {
  const server = new McpServer({ name: 'tickets', version: '1.0.0' });
  const shape: Record<string, z.ZodType> = offered === 'v2' ? { title: z.string(), priority: z.enum(['low', 'high']) } : { title: z.string() };
  if (offered !== 'none') {
    server.registerTool('open_ticket', { description: `Opens a ticket (${offered})`, inputSchema: shape }, async () => ({ content: [{ type: 'text', text: 'opened' }] }));
  }
  // A server needs one tool for tools/list to be served at all.
  server.registerTool('ping', { description: 'Answers pong' }, async () => ({ content: [{ type: 'text', text: 'pong' }] }));
  return server;
}

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function startMcp(port = 0): Promise<number> {
  mcpHttp = createServer(async (req, res) => {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    const server = ticketServer();
    res.on('close', () => void transport.close().then(() => server.close()));
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  return listen(mcpHttp, port);
}

function stopMcp(): Promise<void> {
  mcpHttp.closeAllConnections();
  return new Promise((resolve) => mcpHttp.close(() => resolve()));
}

const ticketFlow = (id: string) => ({
  name: id,
  nodes: [{ id: 'open', type: 'tool', tool: 'open_ticket', args: { title: 'Printer on fire' }, hitl: { mode: 'blocking', approvers: { groups: ['approvers'] } } }],
  edges: [],
});

const deploy = (flowId: string, revisionId: number) => call(stack.app.url, 'POST', `/flows/${flowId}/deploy`, { as: ADMIN, body: { revisionId } });

beforeAll(async () => {
  const port = await startMcp();
  mcpUrl = `http://127.0.0.1:${port}/mcp`;
  stack = await startFlowsApp();
  const saved = await call(stack.app.url, 'PUT', '/tools/open_ticket', { as: ADMIN, body: { delivery: 'at_most_once', mcp: { url: mcpUrl, tool: 'open_ticket', timeoutMs: 3_000 } } });
  if (saved.status !== 201) throw new Error(`saving the tool: ${saved.status} ${saved.text}`);
});
afterAll(async () => {
  await stack?.close();
  if (mcpHttp.listening) await stopMcp();
});

describe("an MCP tool's listing, stored with the flow revision and checked again on deploy", () => {
  it("stores the server's description and schema with the revision when the flow is saved, and deploys while they hold", async () => {
    offered = 'v1';

    const saved = await call(stack.app.url, 'PUT', '/flows/tickets-a', { as: ADMIN, body: ticketFlow('tickets-a') });
    const deployed = await deploy('tickets-a', 1);

    expect(saved.status).toBe(201);
    expect(saved.body.revision.mcpTools).toEqual({
      open_ticket: { url: mcpUrl, tool: 'open_ticket', description: 'Opens a ticket (v1)', inputSchema: expect.objectContaining({ type: 'object', required: ['title'] }) },
    });
    const listed = await call(stack.app.url, 'GET', '/flows/tickets-a/revisions', { as: ADMIN });
    expect(listed.body.items[0].mcpTools.open_ticket.description).toBe('Opens a ticket (v1)');
    expect(deployed.status, deployed.text).toBe(200);
  });

  it('refuses the deploy with 409 naming the tool when the server changed its schema; saving again takes the new one', async () => {
    // Prepare
    offered = 'v1';
    expect((await call(stack.app.url, 'PUT', '/flows/tickets-b', { as: ADMIN, body: ticketFlow('tickets-b') })).status).toBe(201);
    offered = 'v2';

    // Act
    const refused = await deploy('tickets-b', 1);
    const resaved = await call(stack.app.url, 'PUT', '/flows/tickets-b', { as: ADMIN, body: ticketFlow('tickets-b') });
    const redeployed = await deploy('tickets-b', 2);

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'ToolSchemaChanged' } });
    expect(refused.text).toContain('tool open_ticket');
    expect(refused.text).toContain('another argument schema');
    expect((await call(stack.app.url, 'GET', '/flows/tickets-b', { as: ADMIN })).body.deployed).toBeUndefined();
    expect(resaved.status).toBe(201);
    expect(resaved.body.revision).toMatchObject({ revision: 2, diff: [], mcpTools: { open_ticket: { description: 'Opens a ticket (v2)' } } });
    expect(redeployed.status, redeployed.text).toBe(200);
  });

  it('refuses the deploy with 409 when the server no longer lists the tool, and a save with 400', async () => {
    offered = 'v1';
    expect((await call(stack.app.url, 'PUT', '/flows/tickets-c', { as: ADMIN, body: ticketFlow('tickets-c') })).status).toBe(201);
    offered = 'none';

    const refused = await deploy('tickets-c', 1);
    const saved = await call(stack.app.url, 'PUT', '/flows/tickets-c', { as: ADMIN, body: { ...ticketFlow('tickets-c'), description: 'changed' } });

    expect(refused.status).toBe(409);
    expect(refused.text).toContain('no longer lists the tool \\"open_ticket\\"');
    expect(saved.status).toBe(400);
    expect(saved.text).toContain('open_ticket');
  });

  it('answers 503 naming the server when it does not answer, and deploys nothing', async () => {
    // Prepare
    offered = 'v1';
    expect((await call(stack.app.url, 'PUT', '/flows/tickets-d', { as: ADMIN, body: ticketFlow('tickets-d') })).status).toBe(201);
    const port = (mcpHttp.address() as AddressInfo).port;
    await stopMcp();

    // Act
    const refused = await deploy('tickets-d', 1);
    await startMcp(port);

    // Assess
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: 'ToolServerUnreachable' } });
    expect(refused.text).toContain(`127.0.0.1:${port}`);
    expect((await call(stack.app.url, 'GET', '/flows/tickets-d', { as: ADMIN })).body.deployed).toBeUndefined();
    expect((await deploy('tickets-d', 1)).status).toBe(200);
  });
});
