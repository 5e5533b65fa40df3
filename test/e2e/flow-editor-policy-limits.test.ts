import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/http.ts';
import { startFlowsApp, type FlowsApp } from '../support/flows.ts';

const ADMIN = { 'x-user': 'root', 'x-groups': 'admins' };
const range = (count: number) => `[${Array.from({ length: count }, (_, i) => i).join(', ')}]`;

let stack: FlowsApp;
beforeAll(async () => {
  stack = await startFlowsApp();
});
afterAll(() => stack?.close());

async function supportAgentWith(policy: Record<string, unknown>) {
  const flow = structuredClone((await call(stack.app.url, 'GET', '/flows/support-agent')).body.current.flow);
  flow.nodes[0].hitl.policies.push(policy);
  return flow;
}

describe('policy cost limits in the flow editor API', () => {
  it('answers a dry run with a nested comprehension over a list of 500 with 400, naming the field, the policy, its line and column', async () => {
    // Prepare
    const flow = await supportAgentWith({ id: 'all-pairs', tools: ['refund'], when: `${range(10)}.all(a,\n  ${range(500)}.all(b, a != b))`, effect: 'deny' });
    // Act
    const dryRun = await call(stack.app.url, 'PUT', '/flows/support-agent?dryRun=true', { body: flow, as: ADMIN });
    const save = await call(stack.app.url, 'PUT', '/flows/support-agent', { body: flow, as: ADMIN });
    // Assess
    expect(dryRun.status).toBe(400);
    expect(dryRun.body.error.issues).toEqual([
      { path: 'nodes.0.hitl.policies.3.when', message: expect.stringMatching(/^policy "all-pairs", line 2, column \d+: a list literal holds at most 100 elements$/) },
    ]);
    expect(save.status).toBe(400);
    expect((await call(stack.app.url, 'GET', '/flows/support-agent')).body.currentRevision).toBe(1);
  });

  it('answers a dry run with a backtracking-prone pattern RE2 cannot run with 400, and accepts its RE2 form', async () => {
    // Prepare
    const lookbehind = await supportAgentWith({ id: 'no-test-orders', tools: ['refund'], when: 'args.orderId.matches("(?<!T)-1$")', effect: 'deny' });
    const re2 = await supportAgentWith({ id: 'no-test-orders', tools: ['refund'], when: 'args.orderId.matches("^(a+)+T-[0-9]+$")', effect: 'deny' });
    // Act
    const rejected = await call(stack.app.url, 'PUT', '/flows/support-agent?dryRun=true', { body: lookbehind, as: ADMIN });
    const accepted = await call(stack.app.url, 'PUT', '/flows/support-agent?dryRun=true', { body: re2, as: ADMIN });
    // Assess
    expect(rejected.status).toBe(400);
    expect(rejected.body.error.issues).toEqual([{ path: 'nodes.0.hitl.policies.3.when', message: expect.stringMatching(/^policy "no-test-orders", line 1, column 22: .*not a valid RE2 pattern/) }]);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ valid: true, diff: [expect.objectContaining({ path: 'nodes.0.hitl.policies.3', op: 'added' })] });
  });
});
