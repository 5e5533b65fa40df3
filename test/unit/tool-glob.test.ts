import { describe, expect, it } from 'vitest';
import type { AgentAction } from '#core/action';
import { HitlConfigSchema } from '#core/hitl-config';
import { matchesAny } from '#core/policy';
import { policyChecker } from '#core/policy-checker';
import { withPolicyChecks } from '#core/policy-checks';
import { evaluateGateInChild } from '../support/policy-in-child.ts';

const approvers = { groups: ['approvers'] };
const call = (name: string): AgentAction => ({ kind: 'tool_call', toolCall: { id: 'c', name, args: {} } });

describe('tool-name globs', () => {
  it('matches a glob with many stars in time linear in the name', { timeout: 120_000 }, async () => {
    // Prepare: a backtracking matcher tries every way to place ten stars in 65 characters.
    const config = { mode: 'confirm_tools', approvers, blockedTools: ['*a*a*a*a*a*a*a*a*a*a*c'], policies: [{ id: 'starry', tools: ['*a*a*a*a*a*a*a*a*a*a*c'], when: 'true', effect: 'deny' }] };
    // Act
    const verdicts = await evaluateGateInChild(config, [call(`${'a'.repeat(64)}b`), call(`${'a'.repeat(64)}c`)]);
    // Assess
    expect(verdicts.map((verdict) => [verdict.outcome, verdict.policyId])).toEqual([
      ['pause', 'default'],
      ['deny', 'blockedTools'],
    ]);
  });

  it('supports *, **, ?, classes, alternatives and escapes, and nothing else is special', () => {
    expect(matchesAny('crm.write_note', ['crm.{read,write}_*'])).toBe(true);
    expect(matchesAny('crm.delete_note', ['crm.{read,write}_*'])).toBe(false);
    expect(matchesAny('bx', ['?x']) && matchesAny('bx', ['[a-c]x']) && matchesAny('bx', ['[!a]x'])).toBe(true);
    expect(matchesAny('ax', ['[!a]x'])).toBe(false);
    expect(matchesAny('*x', ['\\*x'])).toBe(true);
    expect(matchesAny('ax', ['\\*x'])).toBe(false);
    expect(matchesAny('x+y', ['x+y'])).toBe(true);
    expect(matchesAny('xy', ['x+y'])).toBe(false);
    expect(matchesAny('a/b', ['a*'])).toBe(false);
    expect(matchesAny('a/b', ['a**'])).toBe(true);
  });

  it('refuses a glob that cannot match when the flow is saved, naming the field', () => {
    const issues = withPolicyChecks(policyChecker, () => HitlConfigSchema.safeParse({ mode: 'confirm_tools', approvers, approvedTools: ['search', 'crm.[z-a]*'] })).error?.issues ?? [];
    expect(issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['approvedTools.1', expect.stringMatching(/^"crm\.\[z-a\]\*" is not a valid glob/)]]);
  });
});
