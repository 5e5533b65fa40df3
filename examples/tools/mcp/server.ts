import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import * as z from 'zod';
import type { ExampleServer } from '../example-server.ts';

/**
 * A status page's MCP server on loopback (streamable HTTP, stateless): one tool, `post_status`. Its
 * description and argument schema are what the approvals API reads with `tools/list` when the tool
 * and the flow are saved; no schema is written by hand in tool.json.
 */
export async function startStatusPage(port: number): Promise<ExampleServer> {
  const calls: unknown[] = [];
  const mcpServer = () => {
    const server = new McpServer({ name: 'status-page', version: '1.0.0' });
    server.registerTool(
      'post_status',
      {
        description: 'Posts a status update for one component on the public status page',
        inputSchema: { component: z.string(), status: z.enum(['operational', 'degraded', 'outage']), message: z.string().max(280) },
      },
      async (args) => {
        calls.push(args);
        return { content: [{ type: 'text', text: `posted: ${args.component} is ${args.status}` }], structuredContent: { posted: true, id: `S-${calls.length}` } };
      },
    );
    return server;
  };
  const http = createServer(async (req, res) => {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    const server = mcpServer();
    res.on('close', () => void transport.close().then(() => server.close()));
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  return {
    calls,
    port: (http.address() as { port: number }).port,
    close: () => {
      http.closeAllConnections();
      return new Promise((resolve) => http.close(() => resolve()));
    },
  };
}
