import { describe, expect, it } from 'vitest';
import type { AgentAction } from '#core/action';
import { HitlConfigSchema } from '#core/hitl-config';
import { policyChecker } from '#core/policy-checker';
import { withPolicyChecks } from '#core/policy-checks';
import { evaluateGateInChild } from '../support/policy-in-child.ts';

const approvers = { groups: ['approvers'] };
const lookup = (args: Record<string, unknown>): AgentAction => ({ kind: 'tool_call', toolCall: { id: 'c', name: 'lookup', args } });
const denyWhen = (id: string, when: string) => ({ id, when, effect: 'deny', reason: `refused by ${id}` });
const backtracking = `${'a'.repeat(34)}b`;

// A hang shows as "did not finish within 60 s" from the child; the test timeout leaves room for a busy machine.
describe('regular expressions in policies (RE2)', () => {
  it('runs a catastrophic backtracking pattern in linear time, also inside a macro', { timeout: 120_000 }, async () => {
    // Prepare
    const config = {
      mode: 'confirm_tools',
      approvers,
      policies: [denyWhen('only-as', 'args.name.matches("^(a+)+$")'), denyWhen('any-only-as', 'args.names.exists(n, n.matches("^(a|aa)+$"))')],
    };
    // Act
    const verdicts = await evaluateGateInChild(config, [
      lookup({ name: backtracking, names: [backtracking, `x${backtracking}`] }),
      lookup({ name: 'aaaa', names: [] }),
      lookup({ name: 'b', names: [backtracking, 'aaaaaa'] }),
    ]);
    // Assess
    expect(verdicts.map((verdict) => [verdict.outcome, verdict.policyId])).toEqual([
      ['pause', 'default'],
      ['deny', 'only-as'],
      ['deny', 'any-only-as'],
    ]);
    expect(verdicts[0].why).not.toMatch(/could not evaluate/);
  });

  it('follows RE2 syntax, not JavaScript: inline flags and \\A \\z anchors work', { timeout: 120_000 }, async () => {
    // Prepare
    const config = { mode: 'confirm_tools', approvers, policies: [denyWhen('bob', 'args.name.matches("(?i)\\\\Abob\\\\z")')] };
    // Act
    const verdicts = await evaluateGateInChild(config, [lookup({ name: 'BoB' }), lookup({ name: 'bobby' })]);
    // Assess
    expect(verdicts[0]).toMatchObject({ outcome: 'deny', policyId: 'bob', why: 'policy "bob"' });
    expect(verdicts[1]).toMatchObject({ outcome: 'pause', policyId: 'default' });
  });

  it('rejects a pattern RE2 cannot run when the rule is saved, naming the policy, line and column', () => {
    // Prepare
    const config = { mode: 'confirm_tools', approvers, policies: [denyWhen('lookahead', 'args.name.size() > 3 &&\n  args.name.matches("^(?=admin)")')] };
    // Act
    const issues = withPolicyChecks(policyChecker, () => HitlConfigSchema.safeParse(config)).error?.issues ?? [];
    // Assess
    expect(issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['policies.0.when', expect.stringMatching(/^policy "lookahead", line 2, column 21: "\^\(\?=admin\)" is not a valid RE2 pattern/)],
    ]);
  });
});
