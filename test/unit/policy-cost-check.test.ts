import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FlowSchema, type FlowInput } from '#core/flow';
import { policyChecker } from '#core/policy-checker';
import { withPolicyChecks } from '#core/policy-checks';
import { loadFlowFiles } from '../../statemachines/flows.ts';

const approvers = { groups: ['approvers'] };
const range = (count: number) => `[${Array.from({ length: count }, (_, i) => i).join(', ')}]`;
const flowWith = (policies: Record<string, unknown>[]): FlowInput => ({
  id: 'bulk',
  name: 'Bulk',
  nodes: [{ id: 'agent', type: 'agent', tools: ['search'], hitl: { mode: 'confirm_tools', approvers, policies } as never }],
});
const issuesOf = (flow: FlowInput) => (withPolicyChecks(policyChecker, () => FlowSchema.safeParse(flow)).error?.issues ?? []).map((issue) => [issue.path.join('.'), issue.message]);
const allow = (id: string, when: string) => ({ id, when, effect: 'allow' });

describe('the cost check of policies on save and load', () => {
  it('rejects a nested comprehension over a list of 500, naming the policy, line and column', () => {
    // Prepare: the 101st element of the second list, on line 2, is past the limit.
    const when = `${range(10)}.all(a,\n  ${range(500)}.all(b, a != b || a == b))`;
    const column = `  [${Array.from({ length: 100 }, (_, i) => `${i}, `).join('')}`.length + 1;
    // Act
    const issues = issuesOf(flowWith([allow('fine', 'true'), allow('pairs', when)]));
    // Assess
    expect(issues).toEqual([['nodes.0.hitl.policies.1.when', `policy "pairs", line 2, column ${column}: a list literal holds at most 100 elements`]]);
  });

  it('rejects comprehensions nested three deep, pointing at the third', () => {
    const when = 'args.a.all(x,\n  args.b.exists(y,\n    args.c.map(z, x + y + z).size() > 0))';
    expect(issuesOf(flowWith([allow('triple', when)]))).toEqual([
      ['nodes.0.hitl.policies.0.when', 'policy "triple", line 3, column 12: comprehensions (all, exists, exists_one, map, filter) nest at most 2 deep'],
    ]);
  });

  it('rejects an expression of more parts than the limit', () => {
    const when = `args.n == ${Array(600).fill('1').join(' + ')}`;
    expect(issuesOf(flowWith([allow('long', when)]))).toEqual([['nodes.0.hitl.policies.0.when', expect.stringMatching(/^policy "long", line 1, column \d+: the expression has more than 1000 parts/)]]);
  });

  it('accepts rules at the limits: two comprehensions deep over lists of 100', () => {
    const when = `${range(100)}.all(a, ${range(100)}.exists(b, a == b)) && args.items.filter(i, i.tags.exists(t, t == "vip")).size() < 3`;
    expect(issuesOf(flowWith([allow('at-limits', when)]))).toEqual([]);
  });

  it('stops loading a flow file with an over-limit policy, naming the file, the node and the policy', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'hitl-flows-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'bulk.json'), JSON.stringify(flowWith([allow('pairs', `${range(500)}.all(a, true)`)])));
    // Act
    const load = () => loadFlowFiles(['search'], dir);
    // Assess
    expect(load).toThrow(/^statemachines\/flows\/bulk\.json: .*nodes\.0\.hitl\.policies\.0\.when: policy "pairs", line 1, column \d+: a list literal holds at most 100 elements/);
  });
});
