import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { argsSchemaOf } from '../../lambdas/tools/data-tool.ts';
import { createDemoTools } from '../../lambdas/tools/demo-tools.ts';
import { specOf } from '../../lambdas/tools/tool.ts';
import { loadToolFiles, SHIPPED_TOOL_FILES, TOOLS_DIR } from '../../lambdas/tools/tool-files.ts';
import { ToolSpecSchema } from '../../lambdas/tools/tool-spec.ts';

const ticket = {
  name: 'open_ticket',
  description: 'Opens a ticket',
  argsSchema: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'], additionalProperties: false },
  delivery: 'at_most_once',
  http: { method: 'POST', url: 'https://tickets.example.com/tickets' },
};

describe('tool specs', () => {
  it('accepts an HTTP tool and fills in its limits', () => {
    const spec = ToolSpecSchema.parse(ticket);
    expect(spec.http).toMatchObject({ timeoutMs: 10_000, retries: 2, maxResponseBytes: 256_000, headers: {} });
    expect(spec.readOnly).toBe(false);
  });

  it('refuses a tool with two ways to run, or none', () => {
    const two = ToolSpecSchema.safeParse({ ...ticket, mcp: { url: 'https://mcp.example.com/mcp', tool: 'open' } });
    const none = ToolSpecSchema.safeParse({ ...ticket, http: undefined });
    expect(two.success).toBe(false);
    expect(none.success).toBe(false);
    expect(two.error?.issues[0]?.message).toContain('exactly one of lambda, http or mcp');
  });

  it('refuses a credential header given inline, naming the header', () => {
    const parsed = ToolSpecSchema.safeParse({ ...ticket, http: { ...ticket.http, headers: { Authorization: 'Bearer s3cr3t' } } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['http', 'headers', 'Authorization']);
    expect(JSON.stringify(parsed.error?.issues)).not.toContain('s3cr3t');
  });

  it('accepts a credential header by secret reference', () => {
    const parsed = ToolSpecSchema.parse({ ...ticket, http: { ...ticket.http, headers: { Authorization: { secretRef: 'tickets/api-token' } } } });
    expect(parsed.http?.headers.Authorization).toEqual({ secretRef: 'tickets/api-token' });
  });

  it('refuses an argument schema that is not an object schema, and a URL that is not http(s)', () => {
    expect(ToolSpecSchema.safeParse({ ...ticket, argsSchema: { type: 'string' } }).success).toBe(false);
    expect(ToolSpecSchema.safeParse({ ...ticket, http: { method: 'POST', url: 'file:///etc/passwd' } }).success).toBe(false);
  });

  it('checks arguments against the JSON Schema', () => {
    const schema = argsSchemaOf(ticket.argsSchema);
    expect(schema.safeParse({ title: 'Printer on fire' }).success).toBe(true);
    expect(schema.safeParse({ title: 3 }).success).toBe(false);
    expect(schema.safeParse({ title: 'x', extra: 1 }).success).toBe(false);
  });
});

describe('shipped tool files', () => {
  it('lists every file of tools/ in the bundled list', () => {
    expect(SHIPPED_TOOL_FILES.map(({ file }) => file).sort()).toEqual(readdirSync(TOOLS_DIR).filter((f) => f.endsWith('.json')).sort());
    expect(loadToolFiles().map((spec) => spec.name).sort()).toEqual(['refund', 'search', 'send_email']);
  });

  it('describes each demo tool with the schema its handler checks', () => {
    const tools = createDemoTools({ mail: { send: async () => undefined } as never });
    for (const spec of loadToolFiles()) {
      const tool = tools.get(spec.name)!;
      expect(specOf(tool).inputSchema).toEqual(spec.argsSchema);
      expect(tool.delivery).toBe(spec.delivery);
    }
  });
});
