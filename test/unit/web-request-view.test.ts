import { describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../web/api/types.ts';
import { levelText, quorumOf } from '../../web/views/inbox/approvers.ts';
import { structuredContent } from '../../web/views/inbox/conversation.ts';
import { executedArgsOf } from '../../web/views/inbox/executed-args.ts';

const hitl = {
  mode: 'blocking',
  approvedTools: [],
  blockedTools: [],
  approvers: { groups: ['approvers'], users: [] },
  allowSelfApproval: false,
  distinctApproversPerLevel: false,
  onTimeout: 'escalate',
  quorum: { approvals: 1, rejections: 1 },
  policies: [{ id: 'big-refund', effect: 'require_approval', when: 'args.amount > 100', tools: ['refund'], approvers: { groups: ['finance'], users: [] }, quorum: { approvals: 2, rejections: 1 } }],
  escalation: [{ approvers: { groups: ['finance'], users: ['dave', 'erin'] }, timeoutSeconds: 60 }],
} as unknown as ApprovalView['hitl'];

describe('the request view', () => {
  it('names the approvers of the level, not just its number', () => {
    expect(levelText(hitl, 0)).toBe('Level 0 (first approvers): approvers');
    expect(levelText(hitl, 1)).toBe('Level 1: finance (dave, erin)');
    expect(levelText(hitl, 0, 'big-refund')).toBe('Level 0 (first approvers): finance');
    expect(levelText(hitl, 5)).toBe('Level 5');
  });

  it("counts the votes against the policy's quorum when it sets one", () => {
    expect(quorumOf(hitl)).toEqual({ approvals: 1, rejections: 1 });
    expect(quorumOf(hitl, 'big-refund')).toEqual({ approvals: 2, rejections: 1 });
  });

  it('shows a tool result as fields when it is a JSON object or array, else as text', () => {
    expect(structuredContent(' {"status":"sent","id":7} ')).toEqual({ status: 'sent', id: 7 });
    expect(structuredContent('[1,2]')).toEqual([1, 2]);
    expect(structuredContent('sent to carol')).toBeNull();
    expect(structuredContent('{not json')).toBeNull();
  });
});

describe('the arguments a decided request ran with', () => {
  it('come from its executed event, once the tool ran', () => {
    const event = (type: string, detail?: Record<string, unknown>) => ({ at: '2026-12-05T10:00:00Z', actor: 'tool:refund', type, ...(detail ? { detail } : {}) }) as ApprovalView['events'][number];
    expect(executedArgsOf({ events: [event('created'), event('executed', { args: { amount: 5, currency: 'EUR' } })] })).toEqual({ amount: 5, currency: 'EUR' });
    expect(executedArgsOf({ events: [event('created'), event('decided')] })).toBeUndefined();
  });
});
