import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '#core/errors';
import { decide, escalate, expire, isSameDecision } from '#core/lifecycle';
import type { ApprovalRequest, Decision } from '#core/request';
import { hitl } from '../support/fixtures.ts';

const now = new Date('2026-11-25T10:00:00.000Z');

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'apr_x', executionId: 'e', workflowId: 'w', nodeId: 'n', step: 's', mode: 'blocking', channel: 'async',
    action: { kind: 'message', text: 'hi' }, context: { conversation: [], facts: {} }, hitl: hitl({ mode: 'blocking' }),
    status: 'pending', level: 0, createdAt: now.toISOString(), dueAt: now.toISOString(), events: [], ...overrides,
  };
}

const approval: Decision = { outcome: 'approved', approver: 'bob', scope: 'once', channel: 'api', decidedAt: now.toISOString() };

describe('request lifecycle', () => {
  it('moves pending to approved with a decided event and an undelivered decision', () => {
    const next = decide(request(), approval);
    expect(next.status).toBe('approved');
    expect(next.delivery).toBe('pending');
    expect(next.events.at(-1)).toMatchObject({ type: 'decided', actor: 'bob', detail: { outcome: 'approved' } });
  });

  it('moves pending to rejected and to timed_out', () => {
    expect(decide(request(), { ...approval, outcome: 'rejected' }).status).toBe('rejected');
    expect(decide(request(), { ...approval, outcome: 'timed_out' }).status).toBe('timed_out');
  });

  it('refuses to decide a request twice with a typed error', () => {
    const decided = decide(request(), approval);
    expect(() => decide(decided, approval)).toThrow(IllegalTransitionError);
  });

  it('escalates to the next level with a new due time', () => {
    const config = hitl({ mode: 'blocking', onTimeout: 'escalate', escalation: [{ approvers: { users: ['boss'], groups: [] }, timeoutSeconds: 120 }] });
    const next = escalate(request({ hitl: config }), now);
    expect(next.status).toBe('pending');
    expect(next.level).toBe(1);
    expect(next.dueAt).toBe('2026-11-25T10:02:00.000Z');
    expect(next.events.at(-1)?.type).toBe('escalated');
  });

  it('refuses to escalate past the last level or a decided request', () => {
    expect(() => escalate(request(), now)).toThrow(IllegalTransitionError);
    expect(() => escalate(decide(request(), approval), now)).toThrow(IllegalTransitionError);
  });

  it('expires by escalating while levels remain, then times out', () => {
    const config = hitl({ mode: 'blocking', onTimeout: 'escalate', escalation: [{ approvers: { users: ['boss'], groups: [] }, timeoutSeconds: 60 }] });
    const first = expire(request({ hitl: config }), now);
    expect(first.level).toBe(1);
    const second = expire(first, now);
    expect(second.status).toBe('timed_out');
    expect(second.decision?.approver).toBe('system:timeout');
  });

  it('expires straight to timed_out when onTimeout is reject', () => {
    expect(expire(request(), now).status).toBe('timed_out');
  });

  it('treats the same approver with the same outcome as the same decision', () => {
    expect(isSameDecision(approval, 'bob', 'approved')).toBe(true);
    expect(isSameDecision(approval, 'bob', 'rejected')).toBe(false);
    expect(isSameDecision(approval, 'carol', 'approved')).toBe(false);
    expect(isSameDecision(undefined, 'bob', 'approved')).toBe(false);
  });
});
