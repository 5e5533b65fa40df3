import { describe, expect, it } from 'vitest';
import { flowToolNames, listingsOf, mcpToolDrifts, type McpToolNow } from '#core/mcp-listing';

const v1 = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] };
const v2 = { type: 'object', properties: { title: { type: 'string' }, priority: { type: 'string' } }, required: ['title', 'priority'] };
const now = (inputSchema: Record<string, unknown> | undefined, savedSchema = v1): McpToolNow => ({
  url: 'http://127.0.0.1:9/mcp?key=secret',
  tool: 'open_ticket',
  savedSchema,
  ...(inputSchema ? { listed: { description: 'Opens a ticket', inputSchema } } : {}),
});

describe('MCP tool listings of a flow revision', () => {
  it("names each tool a flow uses once, from tool nodes and agents' tool lists", () => {
    const names = flowToolNames({
      nodes: [
        { id: 'a', type: 'agent', tools: ['search', 'open_ticket'] } as never,
        { id: 't', type: 'tool', tool: 'open_ticket' } as never,
      ],
    });

    expect(names).toEqual(['search', 'open_ticket']);
  });

  it('sees no drift while the server lists the stored schema, key order aside, even with another description', () => {
    const stored = listingsOf({ open_ticket: now(v1) });

    const drifts = mcpToolDrifts(stored, { open_ticket: { ...now({ required: ['title'], properties: { title: { type: 'string' } }, type: 'object' }), listed: { description: 'new words', inputSchema: { ...v1 } } } });

    expect(drifts).toEqual([]);
  });

  it('names a tool whose schema changed or that is gone, and its server by host only', () => {
    const stored = listingsOf({ open_ticket: now(v1) });

    expect(mcpToolDrifts(stored, { open_ticket: now(v2) })).toEqual([{ name: 'open_ticket', problem: 'the MCP server 127.0.0.1:9 lists "open_ticket" with another argument schema than the revision was saved with' }]);
    expect(mcpToolDrifts(stored, { open_ticket: now(undefined) })).toEqual([{ name: 'open_ticket', problem: 'the MCP server 127.0.0.1:9 no longer lists the tool "open_ticket"' }]);
  });

  it("checks a revision stored without listings (a shipped file) against the tool's saved schema", () => {
    expect(mcpToolDrifts(undefined, { open_ticket: now(v1, v1) })).toEqual([]);
    expect(mcpToolDrifts(undefined, { open_ticket: now(v2, v1) })).toHaveLength(1);
  });
});
