import { describe, expect, it } from 'vitest';
import type { AgentAction } from '#core/action';
import { HitlConfigSchema } from '#core/hitl-config';
import { effectiveConfig, evaluateGate } from '#core/policy';
import { policyChecker } from '#core/policy-checker';
import { withPolicyChecks } from '#core/policy-checks';
import { parseOrThrow } from '#core/validation';

const refundPolicies = {
  mode: 'confirm_tools',
  approvers: { groups: ['approvers'] },
  approvedTools: ['search'],
  policies: [
    { id: 'refund-blocked-country', tools: ['refund'], when: 'args.country in ["KP", "IR", "SY"]', effect: 'deny', reason: 'Refunds to this country are not allowed.' },
    { id: 'refund-large', tools: ['refund'], when: 'args.amount > 50', effect: 'require_approval', approvers: { groups: ['finance'] } },
    { id: 'refund-small', tools: ['refund'], when: 'args.amount <= 50', effect: 'allow' },
    { id: 'email-internal', tools: ['send_email'], when: 'args.to.endsWith("@example.com")', effect: 'allow' },
  ],
};
const config = HitlConfigSchema.parse(refundPolicies);
const refund = (amount: number, country = 'DE'): AgentAction => ({ kind: 'tool_call', toolCall: { id: 'c', name: 'refund', args: { amount, country } } });

describe('argument-aware policies (CEL)', () => {
  it('auto-approves a refund of 49.99 and names the policy', () => {
    expect(evaluateGate(config, refund(49.99))).toMatchObject({ outcome: 'pass', policyId: 'refund-small' });
  });

  it('pauses a refund of 50.01 for the finance group', () => {
    const verdict = evaluateGate(config, refund(50.01));
    expect(verdict).toMatchObject({ outcome: 'pause', policyId: 'refund-large', overrides: { approvers: { groups: ['finance'] } } });
    expect(effectiveConfig(config, verdict).approvers.groups).toEqual(['finance']);
  });

  it('refuses a refund to a blocked country with the reason the agent reads, whatever the amount', () => {
    expect(evaluateGate(config, refund(5, 'KP'))).toMatchObject({ outcome: 'deny', policyId: 'refund-blocked-country', reason: 'Refunds to this country are not allowed.' });
  });

  it('lets an email to our own domain through and pauses one elsewhere', () => {
    const email = (to: string): AgentAction => ({ kind: 'tool_call', toolCall: { id: 'c', name: 'send_email', args: { to } } });
    expect(evaluateGate(config, email('carol@example.com')).outcome).toBe('pass');
    expect(evaluateGate(config, email('carol@elsewhere.com'))).toMatchObject({ outcome: 'pause', policyId: 'default' });
  });

  it('fails closed when a rule cannot be evaluated: a missing argument pauses rather than passes', () => {
    const noAmount: AgentAction = { kind: 'tool_call', toolCall: { id: 'c', name: 'refund', args: { country: 'DE' } } };
    const verdict = evaluateGate(config, noAmount);
    expect(verdict).toMatchObject({ outcome: 'pause', policyId: 'refund-large' });
    expect(verdict.why).toMatch(/could not evaluate/);
  });

  it('keeps tool lists working as shorthand', () => {
    expect(evaluateGate(config, { kind: 'tool_call', toolCall: { id: 'c', name: 'search', args: {} } })).toMatchObject({ outcome: 'pass', policyId: 'approvedTools' });
  });

  it('rejects a malformed policy at load, naming the policy, its line and column', () => {
    const broken = { ...refundPolicies, policies: [{ id: 'bad-rule', when: 'args.amount >\n  50 && )', effect: 'deny' }] };
    expect(() => withPolicyChecks(policyChecker, () => parseOrThrow(HitlConfigSchema, broken, 'hitl'))).toThrow(/policies\.0\.when: policy "bad-rule", line 2, column 9/);
  });

  it('rejects duplicate policy ids', () => {
    const twice = { ...refundPolicies, policies: [refundPolicies.policies[2], refundPolicies.policies[2]] };
    expect(HitlConfigSchema.safeParse(twice).error?.issues[0]?.message).toMatch(/used twice/);
  });
});
