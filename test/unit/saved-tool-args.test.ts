import { describe, expect, it } from 'vitest';
import { toolFromSpec } from '../../lambdas/tools/data-tool.ts';
import { ToolRegistry } from '../../lambdas/tools/registry.ts';
import { savedToolArgs, savedToolsSync } from '../../lambdas/tools/saved-tools.ts';
import { StaticToolSecrets } from '../../lambdas/tools/tool-secrets.ts';
import { ToolSpecSchema, type StoredTool } from '../../lambdas/tools/tool-spec.ts';

/** A function instance that has not yet read the saved tools: its registry holds only what it shipped. */
function freshInstance(saved: StoredTool[]) {
  const registry = new ToolRegistry([]);
  const build = (spec: StoredTool['spec']) => toolFromSpec({ handlers: new Map(), secrets: new StaticToolSecrets() }, spec);
  const sync = savedToolsSync({ toolStore: { list: async () => saved }, registry, build });
  return { registry, sync };
}

const lookupOrder: StoredTool = {
  spec: ToolSpecSchema.parse({
    name: 'lookup_order',
    description: 'Looks an order up',
    argsSchema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
    delivery: 'idempotent',
    lambda: { functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:lookup-order', localUrl: 'http://127.0.0.1:9/lookup' },
  }),
  source: 'saved',
  savedBy: 'root',
  savedAt: '2026-12-05T00:00:00Z',
};

describe('an approver\'s edited arguments to a saved tool', () => {
  it('are checked against the saved tool\'s schema by a function that has not read the saved tools yet', async () => {
    // Prepare
    const instance = freshInstance([lookupOrder]);
    const toolArgs = savedToolArgs(async () => instance);

    // Act
    const bad = await toolArgs.validate('lookup_order', { orderId: 42 });
    const good = await toolArgs.validate('lookup_order', { orderId: 'o-1' });

    // Assess
    expect(bad.map((issue) => issue.path)).toEqual(['orderId']);
    expect(good).toEqual([]);
  });

  it('leave a tool nobody saved or shipped to the policies: no schema, no issues', async () => {
    const toolArgs = savedToolArgs(async () => freshInstance([]));
    await expect(toolArgs.validate('unknown_tool', { anything: 1 })).resolves.toEqual([]);
  });
});
