import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { AgentAction } from '#core/action';
import { ToolNodeSchema } from '#core/flow';
import { initialFlowState } from '#core/flow-state';
import { HitlConfigSchema } from '#core/hitl-config';
import { evaluateGate } from '#core/policy';
import type { AuditLog } from '#ports';
import { toolStep } from '#usecases/tool-step';
import { ManualClock } from '../support/fixtures.ts';
import { evaluateGateInChild } from '../support/policy-in-child.ts';
import { MemoryToolRuns } from '../support/memory-tool-runs.ts';

const approvers = { groups: ['approvers'] };
const ids = (count: number) => Array.from({ length: count }, (_, i) => i);
const bulkUpdate = (args: Record<string, unknown>): AgentAction => ({ kind: 'tool_call', toolCall: { id: 'c', name: 'bulk_update', args } });
// Every pair of ids: a million steps for 1,000 ids, far past any budget for one rule.
const allPairs = 'args.ids.all(a,\n  args.ids.all(b, a + b >= 0))';

describe('the evaluation budget of a policy', () => {
  it('stops a rule past its budget and denies the call, naming the policy, whatever the rule would have allowed', () => {
    // Prepare
    const config = HitlConfigSchema.parse({ mode: 'confirm_tools', approvers, policies: [{ id: 'all-pairs', when: allPairs, effect: 'allow' }] });
    // Act
    const verdict = evaluateGate(config, bulkUpdate({ ids: ids(1000) }));
    // Assess
    expect(verdict).toMatchObject({
      outcome: 'deny',
      policyId: 'all-pairs',
      why: expect.stringMatching(/^policy "all-pairs" exceeded its evaluation budget/),
      reason: expect.stringContaining('policy "all-pairs" exceeded its evaluation budget'),
    });
  });

  it('denies rather than pauses when a require_approval rule runs over, and leaves small inputs alone', () => {
    // Prepare
    const config = HitlConfigSchema.parse({ mode: 'confirm_tools', approvers, policies: [{ id: 'pairs-review', when: allPairs, effect: 'require_approval' }] });
    // Act
    const large = evaluateGate(config, bulkUpdate({ ids: ids(1000) }));
    const small = evaluateGate(config, bulkUpdate({ ids: ids(10) }));
    // Assess
    expect(large).toMatchObject({ outcome: 'deny', policyId: 'pairs-review' });
    expect(small).toMatchObject({ outcome: 'pause', policyId: 'pairs-review', why: 'policy "pairs-review"' });
  });

  it('charges what a rule copies, so a rule that copies a big list in a loop stops before it exhausts memory', { timeout: 120_000 }, async () => {
    // Prepare: each step copies 40,000 numbers; unbounded, the map holds 20,000 such copies.
    const config = { mode: 'confirm_tools', approvers, policies: [{ id: 'copies', when: 'args.ids.map(i, args.ids + args.ids).size() > 0', effect: 'allow' }] };
    // Act
    const [verdict] = await evaluateGateInChild(config, [bulkUpdate({ ids: ids(20_000) })]);
    // Assess
    expect(verdict).toMatchObject({ outcome: 'deny', policyId: 'copies', why: expect.stringMatching(/exceeded its evaluation budget/) });
  });

  it('charges what a rule walks, not what it could: testing a field of a large argument fits', () => {
    // Prepare
    const config = HitlConfigSchema.parse({ mode: 'confirm_tools', approvers, policies: [{ id: 'has-note', when: 'has(args.note) && cel.bind(all, args.ids, args.note == "x")', effect: 'allow' }] });
    // Act
    const verdict = evaluateGate(config, bulkUpdate({ note: 'x', ids: ids(300_000) }));
    // Assess
    expect(verdict).toMatchObject({ outcome: 'pass', policyId: 'has-note' });
  });

  it('records the refusal in the audit log like any policy decision, and the agent reads the reason', async () => {
    // Prepare
    const appended: { kind: string; detail: Record<string, unknown> }[] = [];
    const deps = {
      tools: { get: () => ({ name: 'bulk_update', description: 'updates records', readOnly: false, delivery: 'idempotent' as const, input: z.object({ ids: z.array(z.number()) }), run: async () => ({ updated: true }) }) },
      toolRuns: new MemoryToolRuns(),
      audit: { append: async (record: { kind: string; detail: Record<string, unknown> }) => appended.push(record) } as unknown as AuditLog,
      clock: new ManualClock(),
      store: { get: async () => undefined, appendEvent: async () => undefined },
    };
    const node = ToolNodeSchema.parse({ id: 'update', type: 'tool', tool: 'bulk_update', hitl: { mode: 'confirm_tools', approvers, policies: [{ id: 'all-pairs', when: allPairs, effect: 'allow' }] } });
    const call = { id: 'c1', name: 'bulk_update', args: { ids: ids(1000) } };
    // Act
    const state = await toolStep(deps, { executionId: 'e1', flowId: 'bulk', node, state: initialFlowState({ id: 'bulk', revision: 1 }, 'hi', 'alice'), call });
    // Assess
    expect(appended).toEqual([expect.objectContaining({ kind: 'gate_denied', detail: expect.objectContaining({ policyId: 'all-pairs', why: expect.stringMatching(/exceeded its evaluation budget/) }) })]);
    expect(JSON.parse(state.conversation.at(-1)!.content)).toMatchObject({ status: 'refused', reason: expect.stringContaining('exceeded its evaluation budget') });
  });

  it('charges the list a function returns, so splitting a long argument again and again stops', () => {
    // Prepare: each step builds a list of 100,000 one-character strings and keeps it; only its first element is read.
    const config = HitlConfigSchema.parse({ mode: 'confirm_tools', approvers, policies: [{ id: 'splits', when: 'args.ids.map(i, args.text.split(""))[0][0] == "x"', effect: 'allow' }] });
    // Act
    const verdict = evaluateGate(config, bulkUpdate({ ids: ids(100), text: 'x'.repeat(100_000) }));
    // Assess
    expect(verdict).toMatchObject({ outcome: 'deny', policyId: 'splits', why: expect.stringMatching(/exceeded its evaluation budget/) });
  });
});
