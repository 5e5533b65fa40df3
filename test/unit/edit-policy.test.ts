import { describe, expect, it } from 'vitest';
import { assertEditPermitted } from '#core/edit-policy';
import { PolicyRefusedError } from '#core/errors';
import type { ApprovalRequest } from '#core/request';
import { hitl } from '../support/fixtures.ts';

const policies = [
  { id: 'refund-blocked-country', tools: ['refund'], when: 'args.country in ["KP", "IR"]', effect: 'deny' as const, reason: 'Not to this country.' },
  { id: 'refund-large', tools: ['refund'], when: 'args.amount > 50.0', effect: 'require_approval' as const, approvers: { users: [], groups: ['finance'] } },
  { id: 'refund-huge', tools: ['refund'], when: 'args.amount > 10000.0', effect: 'require_approval' as const, quorum: { approvals: 2, rejections: 1 } },
];
const args = { orderId: 'A-1', amount: 30, currency: 'EUR', country: 'DE' };

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'apr_x', executionId: 'e', workflowId: 'w', nodeId: 'agent', step: 's', mode: 'confirm_tools', channel: 'async',
    action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'refund', args } }, context: { conversation: [], facts: {} },
    hitl: hitl({ policies }), policy: { id: 'default', why: 'tool needs a person' }, status: 'pending', level: 0, createdAt: 't', dueAt: 't', events: [],
    ...overrides,
  };
}

const bob = { userId: 'bob', groups: ['approvers'] };
const fiona = { userId: 'fiona', groups: ['approvers', 'finance'] };

function refusal(run: () => void): PolicyRefusedError {
  try {
    run();
  } catch (error) {
    if (error instanceof PolicyRefusedError) return error;
    throw error;
  }
  throw new Error('the edit was permitted');
}

describe('edited arguments meet the node policy again', () => {
  it('refuses an edit a deny rule matches, naming the rule, whoever edits', () => {
    const error = refusal(() => assertEditPermitted(request(), { ...args, country: 'KP' }, fiona));
    expect(error.policyId).toBe('refund-blocked-country');
    expect(error.message).toContain('Not to this country.');
  });

  it('refuses an edit into a require_approval rule unless the editor is among its approvers', () => {
    const error = refusal(() => assertEditPermitted(request(), { ...args, amount: 80 }, bob));
    expect(error).toMatchObject({ policyId: 'refund-large', approvers: { users: [], groups: ['finance'] } });
    expect(error.message).toContain('group "finance"');
    expect(() => assertEditPermitted(request(), { ...args, amount: 80 }, fiona)).not.toThrow();
  });

  it('lets the approvers of the rule that paused the request edit within that rule, escalation levels included', () => {
    const paused = request({ policy: { id: 'refund-large', why: 'policy "refund-large"' }, action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'refund', args: { ...args, amount: 60 } } } });
    expect(() => assertEditPermitted(paused, { ...args, amount: 70 }, { userId: 'manager', groups: ['managers'] })).not.toThrow();
  });

  it('refuses an edit into a rule that wants more approvals than the request collects', () => {
    const noGroup = request({ hitl: hitl({ policies: [policies[2]] }) });
    expect(refusal(() => assertEditPermitted(noGroup, { ...args, amount: 20000 }, fiona)).message).toContain('need 2 approvals under policy "refund-huge"');
  });

  it('runs the tool lists too: a blocked tool refuses any edit', () => {
    const blocked = request({ hitl: hitl({ blockedTools: ['refund'] }) });
    expect(refusal(() => assertEditPermitted(blocked, args, fiona)).policyId).toBe('blockedTools');
  });

  it('permits an edit the node would pause for its own approvers or let through', () => {
    expect(() => assertEditPermitted(request(), { ...args, amount: 40 }, bob)).not.toThrow();
    expect(() => assertEditPermitted(request({ hitl: hitl({ approvedTools: ['refund'] }) }), { ...args, amount: 40 }, bob)).not.toThrow();
  });
});
