import { describe, expect, it } from 'vitest';
import { ApprovalSummarySchema, PREVIEW_LIMITS, summarize } from '#core/approval-summary';
import type { Identity } from '#core/identity';
import { mayDecideNow } from '#core/read-access';
import type { ApprovalRequest } from '#core/request';
import { hitl } from '../support/fixtures.ts';

const KB = 1024;
const bob: Identity = { userId: 'bob', groups: ['approvers'] };
const alice: Identity = { userId: 'alice', groups: ['users'] };
const CONVERSATION_MARK = 'CONVERSATION-SECRET-';
const CHECKPOINT_MARK = 'CHECKPOINT-SECRET-';
const EVENT_MARK = 'EVENT-SECRET-';

/** A request whose every free-form part is huge: 200 KB of conversation, checkpoint and arguments. */
function heavyRequest(extra: Partial<ApprovalRequest> = {}): ApprovalRequest {
  const createdAt = '2026-12-05T10:00:00.000Z';
  const args: Record<string, unknown> = {
    ['k'.repeat(500)]: 'v'.repeat(200 * KB),
    list: Array.from({ length: 20_000 }, (_, i) => `item-${i}`),
    nested: { deep: { deeper: 'x'.repeat(50 * KB) } },
    amount: 4200,
  };
  for (let i = 0; i < 500; i++) args[`extra${i}`] = i;
  return {
    id: 'req-0123456789abcdef',
    executionId: 'arn:aws:states:eu-west-1:123456789012:execution:support-agent:0b7c1f4e-6a57-4f5e-9c1d-1e0f8a2b3c4d',
    workflowId: 'support-agent',
    nodeId: 'agent',
    step: 'call_0123456789abcdefghijklmnop',
    mode: 'confirm_tools',
    channel: 'async',
    action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'send_email', args } },
    context: {
      conversation: Array.from({ length: 200 }, (_, i) => ({ role: 'user' as const, content: `${CONVERSATION_MARK}${i}`.padEnd(KB, '.') })),
      facts: { note: 'f'.repeat(10 * KB) },
    },
    checkpoint: { schemaVersion: 1, stateName: 'Gate', state: { blob: CHECKPOINT_MARK.padEnd(200 * KB, '#') } },
    hitl: hitl({ approvers: { users: [], groups: ['approvers'] } }),
    policy: { id: 'refunds-over-limit', why: 'w'.repeat(2000) },
    requestedBy: 'alice',
    status: 'pending',
    level: 0,
    createdAt,
    dueAt: '2026-12-05T11:00:00.000Z',
    events: Array.from({ length: 100 }, () => ({ at: createdAt, type: 'notified' as const, actor: 'channel:email', detail: { note: EVENT_MARK.padEnd(KB, '.') } })),
    ...extra,
  };
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('an approval summary', () => {
  it('stays under 1 KB however large the arguments, conversation and checkpoint are', () => {
    // Prepare
    const request = heavyRequest({ decision: { outcome: 'rejected', approver: 'bob', reason: 'r'.repeat(2000), scope: 'once', channel: 'dashboard', decidedAt: '2026-12-05T10:05:00.000Z' }, status: 'rejected' });
    // Act
    const summary = summarize(bob, request);
    // Assess
    expect(bytes(request)).toBeGreaterThan(400 * KB);
    expect(bytes(summary)).toBeLessThanOrEqual(KB);
    expect(ApprovalSummarySchema.strict().parse(summary)).toEqual(summary);
  });

  it('never carries the conversation, checkpoint, history or whole arguments', () => {
    // Act
    const json = JSON.stringify(summarize(bob, heavyRequest()));
    // Assess
    for (const mark of [CONVERSATION_MARK, CHECKPOINT_MARK, EVENT_MARK]) expect(json).not.toContain(mark);
    for (const field of ['context', 'checkpoint', 'events', 'hitl', 'votes', 'taskToken', 'toolCall']) expect(json).not.toContain(`"${field}"`);
  });

  it('previews the first few arguments, each cut short, and counts them all', () => {
    // Act
    const summary = summarize(bob, heavyRequest());
    // Assess
    expect(summary.action.kind).toBe('tool_call');
    if (summary.action.kind !== 'tool_call') return;
    expect(summary.action.tool).toBe('send_email');
    expect(summary.action.argCount).toBe(504);
    const keys = Object.keys(summary.action.argsPreview);
    expect(keys).toHaveLength(PREVIEW_LIMITS.keys);
    expect(keys.slice(1)).toEqual(['list', 'nested', 'amount']);
    expect(keys[0].length).toBeLessThanOrEqual(PREVIEW_LIMITS.keyChars);
    expect(summary.action.argsPreview.amount).toBe('4200');
    expect(summary.action.argsPreview.list).toMatch(/^\["item-0","item-1",.*…$/);
    for (const value of Object.values(summary.action.argsPreview)) expect(value.length).toBeLessThanOrEqual(PREVIEW_LIMITS.valueChars);
  });

  it('cuts a message to a preview', () => {
    // Act
    const summary = summarize(bob, heavyRequest({ action: { kind: 'message', text: 'm'.repeat(100_000) } }));
    // Assess
    expect(summary.action).toEqual({ kind: 'message', textPreview: `${'m'.repeat(PREVIEW_LIMITS.textChars - 1)}…` });
  });

  it('says whether the caller may decide, as the whole request would', () => {
    // Prepare
    const request = heavyRequest();
    // Act / Assess
    expect(summarize(bob, request).canDecide).toBe(true);
    expect(summarize(alice, request).canDecide).toBe(false);
    expect(summarize(bob, request).canDecide).toBe(mayDecideNow(bob, request));
  });

  it('shows who asked, the policy, the quorum so far and the decision', () => {
    // Prepare
    const votes = [
      { approver: 'bob', vote: 'approve' as const, level: 0, at: '2026-12-05T10:01:00.000Z', channel: 'api', scope: 'once' as const },
      { approver: 'carol', vote: 'reject' as const, level: 0, at: '2026-12-05T10:02:00.000Z', channel: 'api', scope: 'once' as const },
    ];
    const request = heavyRequest({ hitl: hitl({ quorum: { approvals: 2, rejections: 2 } }), votes, createdBy: 'refund-bot', gateId: 'refunds' });
    // Act
    const summary = summarize({ userId: 'dave', groups: ['approvers'] }, request);
    // Assess
    expect(summary).toMatchObject({ requestedBy: 'alice', createdBy: 'refund-bot', gateId: 'refunds', policy: { id: 'refunds-over-limit' }, canDecide: true });
    expect(summary.policy!.why.length).toBe(PREVIEW_LIMITS.whyChars);
    expect(summary.quorum).toEqual({ approvals: 1, approvalsNeeded: 2, rejections: 1, rejectionsNeeded: 2 });
    expect(summarize(bob, request).canDecide).toBe(false);
    expect(summarize(bob, heavyRequest()).quorum).toBeUndefined();
  });
});
