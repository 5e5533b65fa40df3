import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToolExample, type ExampleKind } from '../../examples/tools/run.ts';
import { startFlowsApp, type FlowsApp } from '../support/flows.ts';

let stack: FlowsApp;
beforeAll(async () => {
  stack = await startFlowsApp();
});
afterAll(async () => stack?.close());

const EXPECTED_ARGS: Record<ExampleKind, Record<string, unknown>> = {
  http: { title: 'Printer on floor 3 is on fire', priority: 'high' },
  mcp: { component: 'checkout', status: 'degraded', message: 'Payments are slow; we are on it.' },
  lambda: { customerId: 'C-1042', amount: 25 },
};

describe('the "Bring your own tools" examples (examples/tools)', () => {
  for (const kind of ['http', 'mcp', 'lambda'] as const) {
    it(`${kind}: saves its tool and flow, waits for approval without calling the tool, then calls it once with the flow's arguments`, async () => {
      const lines: string[] = [];

      const result = await runToolExample(kind, { baseUrl: stack.app.url, port: 0, approve: true, log: (line) => lines.push(line), timeoutMs: 20_000 });

      expect(result.callsBeforeApproval).toBe(0);
      expect(result.calls).toEqual([EXPECTED_ARGS[kind]]);
      expect(result.execution.status, JSON.stringify(result.execution).slice(0, 500)).toBe('succeeded');
      expect(lines.join('\n')).toContain('deployed');
    });
  }
});
