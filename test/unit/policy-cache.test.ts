import { describe, expect, it } from 'vitest';
import type { AgentAction } from '#core/action';
import { HitlConfigSchema } from '#core/hitl-config';
import { evaluateGate } from '#core/policy';
import { POLICY_LIMITS } from '#core/policy-limits';
import { policyCacheSizes } from '#core/policy-rules';

const approvers = { groups: ['approvers'] };
const lookup = (args: Record<string, unknown>): AgentAction => ({ kind: 'tool_call', toolCall: { id: 'c', name: 'lookup', args } });

describe('the caches of compiled policies', () => {
  it('keeps at most the documented number of compiled rules, however many distinct rules run', () => {
    // Prepare
    const distinct = POLICY_LIMITS.compiledRuleCacheEntries * 2 + 17;
    // Act
    for (let i = 0; i < distinct; i++) {
      const config = HitlConfigSchema.parse({ mode: 'confirm_tools', approvers, policies: [{ id: 'limit', when: `args.amount > ${i}`, effect: 'deny' }] });
      expect(evaluateGate(config, lookup({ amount: i + 1 })).outcome).toBe('deny');
    }
    // Assess
    expect(policyCacheSizes().rules).toBeLessThanOrEqual(POLICY_LIMITS.compiledRuleCacheEntries);
    expect(policyCacheSizes().rules).toBeGreaterThanOrEqual(POLICY_LIMITS.compiledRuleCacheEntries / 2);
  });

  it('does not fill the cache when rules are only checked, as a dry-run save does', () => {
    // Prepare
    const before = policyCacheSizes().rules;
    const policies = Array.from({ length: 100 }, (_, i) => ({ id: `dry-${i}`, when: `args.note == "dry run ${i}"`, effect: 'deny' }));
    // Act
    for (let save = 0; save < 5; save++) HitlConfigSchema.parse({ mode: 'confirm_tools', approvers, policies });
    // Assess
    expect(policyCacheSizes().rules).toBe(before);
  });

  it('keeps at most the documented number of compiled patterns when rules match against patterns from the arguments', () => {
    // Prepare
    const config = HitlConfigSchema.parse({ mode: 'confirm_tools', approvers, policies: [{ id: 'pattern', when: 'args.name.matches(args.pattern)', effect: 'deny' }] });
    // Act
    for (let i = 0; i < POLICY_LIMITS.patternCacheEntries + 50; i++) {
      expect(evaluateGate(config, lookup({ name: `user-${i}`, pattern: `^user-${i}$` })).outcome).toBe('deny');
    }
    // Assess
    expect(policyCacheSizes().patterns).toBeLessThanOrEqual(POLICY_LIMITS.patternCacheEntries);
    expect(policyCacheSizes().patterns).toBeGreaterThanOrEqual(POLICY_LIMITS.patternCacheEntries / 2);
  });
});
