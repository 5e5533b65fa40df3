import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpCaller } from './data-tool.ts';
import { ToolCallError } from './tool-errors.ts';

/** What an MCP server says of one of its tools (`tools/list`). */
export interface McpToolListing {
  readonly description: string | undefined;
  readonly inputSchema: Record<string, unknown>;
}

type Server = { readonly url: string; readonly tool: string; readonly timeoutMs: number };

/** Runs `use` with a client connected to the server, closed afterwards; connection failures name the host only. */
async function withClient<T>(server: Server, toolName: string, use: (client: Client) => Promise<T>): Promise<T> {
  // The MCP SDK (with ajv) loads with the first MCP tool call, not at every cold start of a function that may call one.
  const [{ Client }, { StreamableHTTPClientTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
  ]);
  const client = new Client({ name: 'hitl-approvals', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { signal: AbortSignal.timeout(server.timeoutMs) } });
  try {
    try {
      await client.connect(transport, { timeout: server.timeoutMs });
    } catch (error) {
      throw new ToolCallError(`${toolName} could not be reached (MCP server ${new URL(server.url).host})`, true, { cause: error });
    }
    return await use(client);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** The tool's description and argument schema from the server's `tools/list`; throws when the server does not offer it. */
export async function describeMcpTool(server: Server): Promise<McpToolListing> {
  return withClient(server, server.tool, async (client) => {
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, { timeout: server.timeoutMs });
      const found = page.tools.find((tool) => tool.name === server.tool);
      if (found) return { description: found.description, inputSchema: found.inputSchema as Record<string, unknown> };
      cursor = page.nextCursor;
    } while (cursor);
    throw new ToolCallError(`the MCP server ${new URL(server.url).host} has no tool "${server.tool}"`, false);
  });
}

/** Calls MCP tools over streamable HTTP, one connection per call, bounded by the tool's timeout. */
export class SdkMcpCaller implements McpCaller {
  async call(server: Server, args: Record<string, unknown>): Promise<unknown> {
    return withClient(server, server.tool, async (client) => {
      let result: Awaited<ReturnType<Client['callTool']>>;
      try {
        result = await client.callTool({ name: server.tool, arguments: args }, undefined, { timeout: server.timeoutMs });
      } catch (error) {
        const timedOut = /timed? ?out|abort/i.test((error as Error)?.message ?? '');
        // The call reached the server: whatever it did may have happened.
        throw new ToolCallError(timedOut ? `${server.tool} did not answer within ${server.timeoutMs} ms` : `${server.tool} failed on the MCP server`, true, {
          cause: error,
          mayHaveHappened: true,
        });
      }
      if (result.isError) throw new ToolCallError(`${server.tool} failed: ${textOf(result.content).slice(0, 500) || 'the MCP server reported an error'}`, false);
      return result.structuredContent ?? { content: result.content };
    });
  }
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .filter((part): part is { type: 'text'; text: string } => part?.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join(' ');
}
