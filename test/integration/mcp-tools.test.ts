import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { toolFromSpec } from '../../lambdas/tools/data-tool.ts';
import { describeMcpTool, SdkMcpCaller } from '../../lambdas/tools/mcp-tool.ts';
import { ToolCallError } from '../../lambdas/tools/tool-errors.ts';
import { StaticToolSecrets } from '../../lambdas/tools/tool-secrets.ts';
import { ToolSpecSchema } from '../../lambdas/tools/tool-spec.ts';

const calls: unknown[] = [];
let http: Server;
let url: string;

/** A stateless MCP server over streamable HTTP with one tool, `lookup_order`. */
function mcpServer(): McpServer {
  const server = new McpServer({ name: 'orders', version: '1.0.0' });
  server.registerTool(
    'lookup_order',
    { description: 'Looks an order up by its id', inputSchema: { orderId: z.string().describe('The order id') } },
    async (args) => {
      calls.push(args);
      if (args.orderId === 'missing') return { isError: true, content: [{ type: 'text', text: 'no such order' }] };
      return { content: [{ type: 'text', text: 'found' }], structuredContent: { orderId: args.orderId, status: 'shipped' } };
    },
  );
  return server;
}

beforeAll(async () => {
  http = createServer(async (req, res) => {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    const server = mcpServer();
    res.on('close', () => void transport.close().then(() => server.close()));
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
});
afterAll(() => {
  http?.close();
});

describe('MCP tools over streamable HTTP', () => {
  it("reads the tool's description and argument schema from tools/list", async () => {
    const listed = await describeMcpTool({ url, tool: 'lookup_order', timeoutMs: 5_000 });

    expect(listed.description).toBe('Looks an order up by its id');
    expect(listed.inputSchema).toMatchObject({ type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] });
  });

  it('calls the tool with the arguments and returns its structured answer; a tool error becomes a tool error', async () => {
    const listed = await describeMcpTool({ url, tool: 'lookup_order', timeoutMs: 5_000 });
    const spec = ToolSpecSchema.parse({ name: 'lookup_order', description: 'Looks an order up', argsSchema: listed.inputSchema, delivery: 'idempotent', mcp: { url, tool: 'lookup_order' } });
    const tool = toolFromSpec({ handlers: new Map(), secrets: new StaticToolSecrets(), mcp: new SdkMcpCaller() }, spec);

    const found = await tool.run({ orderId: 'A-1001' }, { idempotencyKey: 'k1', executionId: 'e1' });
    const missing = await tool.run({ orderId: 'missing' }, { idempotencyKey: 'k2', executionId: 'e1' }).catch((error: unknown) => error);

    expect(found).toEqual({ orderId: 'A-1001', status: 'shipped' });
    expect(calls).toContainEqual({ orderId: 'A-1001' });
    expect(missing).toBeInstanceOf(ToolCallError);
    expect((missing as Error).message).toBe('lookup_order failed: no such order');
    expect(tool.input.safeParse({ orderId: 5 }).success).toBe(false);
  });

  it('gives a clear tool error when the server is gone, and refuses a tool the server does not list', async () => {
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));

    const down = await new SdkMcpCaller().call({ url: `http://127.0.0.1:${port}/mcp`, tool: 'lookup_order', timeoutMs: 2_000 }, { orderId: 'A' }).catch((error: unknown) => error);
    const unknown = await describeMcpTool({ url, tool: 'cancel_order', timeoutMs: 5_000 }).catch((error: unknown) => error);

    expect((down as Error).message).toBe(`lookup_order could not be reached (MCP server 127.0.0.1:${port})`);
    expect((unknown as Error).message).toBe(`the MCP server 127.0.0.1:${(http.address() as AddressInfo).port} has no tool "cancel_order"`);
  });
});
