import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '#core/audit-entry';
import { saveTool, type ToolStore } from '#usecases/save-tool';
import { toolFromSpec } from '../../lambdas/tools/data-tool.ts';
import { ToolRegistry } from '../../lambdas/tools/registry.ts';
import { StaticToolSecrets } from '../../lambdas/tools/tool-secrets.ts';
import type { StoredTool } from '../../lambdas/tools/tool-spec.ts';

const ADMIN = { userId: 'root', groups: ['admins'] };

function setup(options: { describeMcp?: Parameters<typeof saveTool>[0]['describeMcp']; fetch?: typeof fetch } = {}) {
  const stored = new Map<string, StoredTool>();
  const toolStore: ToolStore = { get: async (name) => stored.get(name), list: async () => [...stored.values()], put: async (tool) => void stored.set(tool.spec.name, tool) };
  const audit: AuditRecord[] = [];
  const registry = new ToolRegistry([]);
  const deps = {
    toolStore,
    registry,
    build: (spec: Parameters<typeof toolFromSpec>[1]) => toolFromSpec({ handlers: new Map(), secrets: new StaticToolSecrets(), ...(options.fetch ? { fetch: options.fetch } : {}) }, spec),
    shipped: ['refund'],
    audit: { append: async (record: AuditRecord) => (audit.push(record), { ...record, seq: audit.length, at: '', prevHash: '', hash: '' }) },
    clock: { now: () => new Date('2026-12-05T00:00:00Z') },
    ...(options.describeMcp ? { describeMcp: options.describeMcp } : {}),
  };
  return { deps, stored, audit, registry };
}

const body = {
  description: 'Looks an order up',
  argsSchema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
  delivery: 'idempotent',
  lambda: { functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:lookup-order', localUrl: 'http://127.0.0.1:9/lookup' },
};

describe('saving a tool', () => {
  it('stores, registers and audits it, created once and updated after', async () => {
    const { deps, stored, audit, registry } = setup();

    const first = await saveTool(deps, { name: 'lookup_order', body, identity: ADMIN });
    const second = await saveTool(deps, { name: 'lookup_order', body: { ...body, description: 'Looks an order up (v2)' }, identity: ADMIN });

    expect([first.created, second.created]).toEqual([true, false]);
    expect(stored.get('lookup_order')?.spec.description).toBe('Looks an order up (v2)');
    expect(registry.names).toEqual(['lookup_order']);
    expect(audit.map((entry) => [entry.kind, entry.executionId])).toEqual([['tool_saved', 'tool:lookup_order'], ['tool_saved', 'tool:lookup_order']]);
  });

  it('refuses a body whose name differs from the path, and a shipped name', async () => {
    const { deps, stored } = setup();

    await expect(saveTool(deps, { name: 'lookup_order', body: { ...body, name: 'other' }, identity: ADMIN })).rejects.toMatchObject({ issues: [{ path: 'name' }] });
    await expect(saveTool(deps, { name: 'refund', body, identity: ADMIN })).rejects.toMatchObject({ issues: [{ path: 'name' }] });
    expect(stored.size).toBe(0);
  });

  it("takes an MCP tool's description and schema from its server, and refuses one the server does not list", async () => {
    const listed = { description: 'From the server', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } };
    const { deps, stored } = setup({ describeMcp: async (server) => (server.tool === 'search_docs' ? listed : Promise.reject(new Error('the MCP server has no tool "nope"'))) });

    await saveTool(deps, { name: 'search_docs', body: { delivery: 'idempotent', mcp: { url: 'http://127.0.0.1:9/mcp', tool: 'search_docs' } }, identity: ADMIN });
    const refused = saveTool(deps, { name: 'nope', body: { delivery: 'idempotent', mcp: { url: 'http://127.0.0.1:9/mcp', tool: 'nope' } }, identity: ADMIN });

    expect(stored.get('search_docs')?.spec).toMatchObject({ description: 'From the server', argsSchema: listed.inputSchema });
    await expect(refused).rejects.toMatchObject({ issues: [{ path: 'mcp.url', message: 'the MCP server has no tool "nope"' }] });
  });

  it('runs a Lambda tool locally through its stand-in URL, with the arguments and the idempotency key', async () => {
    const sent: { url: string; body: unknown }[] = [];
    const fetch = (async (url: string, init: RequestInit) => (sent.push({ url, body: JSON.parse(String(init.body)) }), new Response('{"status":"shipped"}'))) as unknown as typeof globalThis.fetch;
    const { deps, registry } = setup({ fetch });
    await saveTool(deps, { name: 'lookup_order', body, identity: ADMIN });

    const result = await registry.get('lookup_order')!.run({ orderId: 'A-1' }, { idempotencyKey: 'apr_1', executionId: 'e1' });

    expect(result).toEqual({ status: 'shipped' });
    expect(sent).toEqual([{ url: 'http://127.0.0.1:9/lookup', body: { args: { orderId: 'A-1' }, idempotencyKey: 'apr_1' } }]);
  });
});
