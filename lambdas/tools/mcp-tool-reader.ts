import { ToolServerUnreachableError } from '#core/errors';
import { hostOf, type McpToolNow } from '#core/mcp-listing';
import type { McpToolReader } from '#usecases/flow-editor-ports';
import { describeMcpTool, type McpToolListing } from './mcp-tool.ts';
import { ToolCallError } from './tool-errors.ts';
import type { McpTool, ToolSpecData } from './tool-spec.ts';

export interface McpToolReaderDeps {
  /** A registered tool's spec (saved or shipped); undefined for an unknown name. */
  readonly specOf: (name: string) => Promise<ToolSpecData | undefined>;
  /** @default describeMcpTool (the SDK's client, `tools/list`) */
  readonly describe?: (server: McpTool) => Promise<McpToolListing>;
}

/**
 * Reads the MCP tools among a flow's tools from their servers, one server call per tool, at once. A
 * server that lists no tool of that name gives `listed: undefined`; one that does not answer (or
 * answers garbage) is a ToolServerUnreachableError naming its host.
 */
export function mcpToolReader(deps: McpToolReaderDeps): McpToolReader {
  const describe = deps.describe ?? describeMcpTool;
  return {
    async read(toolNames) {
      const specs = await Promise.all(toolNames.map(async (name) => [name, await deps.specOf(name)] as const));
      const mcpSpecs = specs.filter((entry): entry is readonly [string, ToolSpecData & { mcp: McpTool }] => entry[1]?.mcp !== undefined);
      const read = await Promise.all(
        mcpSpecs.map(async ([name, spec]): Promise<[string, McpToolNow]> => {
          const base = { url: spec.mcp.url, tool: spec.mcp.tool, savedSchema: spec.argsSchema };
          try {
            const listed = await describe(spec.mcp);
            return [name, { ...base, listed: { ...(listed.description !== undefined ? { description: listed.description } : {}), inputSchema: listed.inputSchema } }];
          } catch (error) {
            // The server answered, and has no such tool.
            if (error instanceof ToolCallError && !error.transient) return [name, base];
            throw new ToolServerUnreachableError(`the MCP server ${hostOf(spec.mcp.url)} of tool ${name} did not answer its tools/list; try again when it is up`, { cause: error });
          }
        }),
      );
      return Object.fromEntries(read);
    },
  };
}
