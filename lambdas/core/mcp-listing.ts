import * as z from 'zod';
import { canonicalJson } from './audit-chain.ts';
import type { Flow } from './flow.ts';

/**
 * What an MCP server listed for one of a flow's tools (`tools/list`) when the flow was saved: stored
 * with the revision, so a deploy can tell whether the server still offers the same tool.
 */
export const McpToolListingSchema = z.object({
  /** The server's URL and the tool's name on it. */
  url: z.string(),
  tool: z.string(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()),
});
export type McpToolListing = z.infer<typeof McpToolListingSchema>;

/** The listings of a revision's MCP tools, by the tool's registered name. */
export const McpToolListingsSchema = z.record(z.string(), McpToolListingSchema);
export type McpToolListings = z.infer<typeof McpToolListingsSchema>;

/** One MCP tool as its server lists it now; `listed` is undefined when the server no longer offers it. */
export interface McpToolNow {
  readonly url: string;
  readonly tool: string;
  /** The argument schema the tool was saved with (PUT /tools), for revisions stored without a listing. */
  readonly savedSchema: Record<string, unknown>;
  readonly listed?: { readonly description?: string; readonly inputSchema: Record<string, unknown> };
}

/** The registered tools a flow names: its tool nodes' tools and its agents' tools, each once. */
export function flowToolNames(flow: Pick<Flow, 'nodes'>): string[] {
  return [...new Set(flow.nodes.flatMap((node) => (node.type === 'tool' ? [node.tool] : node.tools)))];
}

/** What the servers list now, as stored with a revision; throws nothing (missing tools are left out). */
export function listingsOf(now: Readonly<Record<string, McpToolNow>>): McpToolListings {
  const listings: McpToolListings = {};
  for (const [name, tool] of Object.entries(now)) {
    if (!tool.listed) continue;
    listings[name] = { url: tool.url, tool: tool.tool, ...(tool.listed.description !== undefined ? { description: tool.listed.description } : {}), inputSchema: tool.listed.inputSchema };
  }
  return listings;
}

/** Whether two sets of listings say the same (key order aside). */
export function sameListings(a: McpToolListings | undefined, b: McpToolListings | undefined): boolean {
  return canonicalJson(a ?? {}) === canonicalJson(b ?? {});
}

/** One MCP tool whose server no longer offers what a revision was saved with. */
export interface McpToolDrift {
  readonly name: string;
  readonly problem: string;
}

/**
 * The MCP tools whose server lists no tool of that name any more, or lists it with another argument
 * schema than the one stored with the revision (the tool's saved schema for a revision stored
 * without listings). A changed description alone is not a drift: the model reads it, nothing checks it.
 */
export function mcpToolDrifts(stored: McpToolListings | undefined, now: Readonly<Record<string, McpToolNow>>): McpToolDrift[] {
  const drifts: McpToolDrift[] = [];
  for (const [name, tool] of Object.entries(now)) {
    const host = hostOf(tool.url);
    if (!tool.listed) {
      drifts.push({ name, problem: `the MCP server ${host} no longer lists the tool "${tool.tool}"` });
      continue;
    }
    const expected = stored?.[name]?.inputSchema ?? tool.savedSchema;
    if (canonicalJson(expected) !== canonicalJson(tool.listed.inputSchema)) {
      drifts.push({ name, problem: `the MCP server ${host} lists "${tool.tool}" with another argument schema than the revision was saved with` });
    }
  }
  return drifts;
}

/** A server's host and port: what errors name (a URL's path or query may carry more than they should). */
export function hostOf(url: string): string {
  return URL.canParse(url) ? new URL(url).host : 'the MCP server';
}
