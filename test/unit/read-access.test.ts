import { describe, expect, it } from 'vitest';
import { viewFor } from '#core/approval-view';
import type { HitlConfigInput } from '#core/hitl-config';
import type { Identity } from '#core/identity';
import { effectiveConfig, evaluateGate } from '#core/policy';
import {
  assertAuditor,
  DEFAULT_READ_ACCESS,
  isAdmin,
  isAuditor,
  mayDecideNow,
  mayReadExecution,
  mayReadRequest,
  readAccessFrom,
} from '#core/read-access';
import { ForbiddenError } from '#core/errors';
import type { ApprovalRequest } from '#core/request';
import { hitl } from '../support/fixtures.ts';

const access = DEFAULT_READ_ACCESS;
const who = (userId: string, ...groups: string[]): Identity => ({ userId, groups });
const mallory = who('mallory', 'nobody');
const dana = who('dana', 'finance');
const bob = who('bob', 'approvers');
const alice = who('alice', 'users');
const root = who('root', 'admins');
const irene = who('irene', 'auditors');

function request(settings: Partial<HitlConfigInput> = {}, extra: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'apr_1', executionId: 'exec-1', workflowId: 'support-agent', nodeId: 'agent', step: 'call-1', mode: 'confirm_tools', channel: 'async',
    action: { kind: 'tool_call', toolCall: { id: 'call-1', name: 'send_email', args: { to: 'carol@example.com' } } },
    context: { conversation: [], facts: {} }, status: 'pending', level: 0, createdAt: '', dueAt: '', events: [], requestedBy: 'alice',
    hitl: hitl(settings),
    ...extra,
  } as ApprovalRequest;
}

describe('who may read a request', () => {
  it('lets the approvers named at the node read it, and nobody else but its requester and admins', () => {
    const email = request({ approvers: { users: ['carol'], groups: ['approvers'] } });
    expect(mayReadRequest(bob, email, access)).toBe(true);
    expect(mayReadRequest(who('carol'), email, access)).toBe(true);
    expect(mayReadRequest(alice, email, access)).toBe(true);
    expect(mayReadRequest(root, email, access)).toBe(true);
    expect(mayReadRequest(mallory, email, access)).toBe(false);
    expect(mayReadRequest(irene, email, access)).toBe(false);
  });

  it('keeps a finance member out of an email request meant for approvers at the same node', () => {
    // Prepare: one confirm_tools node whose refund rule hands large refunds to finance.
    const node = hitl({
      approvers: { users: [], groups: ['approvers'] },
      policies: [{ id: 'refund-large', tools: ['refund'], when: 'args.amount > 50', effect: 'require_approval', approvers: { users: [], groups: ['finance'] } }],
    });
    const refundCall = { kind: 'tool_call', toolCall: { id: 'c2', name: 'refund', args: { amount: 80 } } } as const;
    const emailCall = { kind: 'tool_call', toolCall: { id: 'c1', name: 'send_email', args: { to: 'carol@example.com' } } } as const;
    // Act: the gate stores each request with the settings as it applies them.
    const refund = request({}, { action: refundCall, hitl: effectiveConfig(node, evaluateGate(node, refundCall)) });
    const email = request({}, { action: emailCall, hitl: effectiveConfig(node, evaluateGate(node, emailCall)) });
    // Assess
    expect(mayReadRequest(dana, email, access)).toBe(false);
    expect(mayReadRequest(bob, email, access)).toBe(true);
    expect(mayReadRequest(dana, refund, access)).toBe(true);
    expect(mayReadRequest(bob, refund, access)).toBe(false);
  });

  it('lets every escalation level read the request, before and after it escalates', () => {
    const escalating: Partial<HitlConfigInput> = {
      approvers: { users: [], groups: ['approvers'] },
      onTimeout: 'escalate',
      escalation: [{ approvers: { users: ['boss'], groups: ['managers'] }, timeoutSeconds: 60 }],
    };
    for (const level of [0, 1]) {
      const r = request(escalating, { level });
      expect(mayReadRequest(who('boss'), r, access)).toBe(true);
      expect(mayReadRequest(who('meg', 'managers'), r, access)).toBe(true);
      expect(mayReadRequest(bob, r, access)).toBe(true);
      expect(mayReadRequest(dana, r, access)).toBe(false);
    }
  });

  it('does not let a user with the requester\'s groups but another name read as the requester', () => {
    expect(mayReadRequest(who('alicia', 'users'), request(), access)).toBe(false);
    expect(mayReadRequest(alice, request({}, { requestedBy: undefined }), access)).toBe(false);
  });

  it('takes admin groups from the configuration', () => {
    const custom = readAccessFrom({ HITL_ADMIN_GROUPS: 'security, platform', HITL_AUDITOR_GROUPS: 'compliance' });
    expect(custom).toEqual({ adminGroups: ['security', 'platform'], auditorGroups: ['compliance'] });
    expect(mayReadRequest(root, request(), custom)).toBe(false);
    expect(mayReadRequest(who('sam', 'platform'), request(), custom)).toBe(true);
  });
});

describe('who may read an execution', () => {
  const requests = [request({ approvers: { users: [], groups: ['finance'] } }, { requestedBy: 'alice' })];
  it('lets its requester, an approver of one of its requests and admins read it', () => {
    expect(mayReadExecution(alice, { startedBy: 'alice' }, [], access)).toBe(true);
    expect(mayReadExecution(dana, { startedBy: 'alice' }, requests, access)).toBe(true);
    expect(mayReadExecution(root, { startedBy: 'alice' }, requests, access)).toBe(true);
    expect(mayReadExecution(root, { startedBy: 'alice' }, [], access)).toBe(true);
  });
  it('keeps everyone else out, an approver of other nodes included', () => {
    expect(mayReadExecution(bob, { startedBy: 'alice' }, requests, access)).toBe(false);
    expect(mayReadExecution(mallory, { startedBy: 'alice' }, requests, access)).toBe(false);
    expect(mayReadExecution(bob, { startedBy: 'alice' }, [], access)).toBe(false);
  });
});

describe('admins and auditors', () => {
  it('gives history, audit and statistics to admins and auditors only', () => {
    expect(isAdmin(root, access)).toBe(true);
    expect(isAdmin(irene, access)).toBe(false);
    expect(isAuditor(irene, access)).toBe(true);
    expect(isAuditor(root, access)).toBe(true);
    expect(() => assertAuditor(irene, access, 'the audit log')).not.toThrow();
    for (const caller of [bob, alice, mallory, dana]) expect(() => assertAuditor(caller, access, 'the audit log')).toThrow(ForbiddenError);
  });

  it('reads the default groups when nothing is configured, and refuses an empty list', () => {
    expect(readAccessFrom({})).toEqual({ adminGroups: ['admins'], auditorGroups: ['auditors'] });
    expect(() => readAccessFrom({ HITL_AUDITOR_GROUPS: ' , ' })).toThrow(/HITL_AUDITOR_GROUPS/);
  });
});

describe('who may decide now (canDecide)', () => {
  it('offers the decision to a current approver only while the request is pending', () => {
    expect(mayDecideNow(bob, request())).toBe(true);
    expect(viewFor(bob, request()).canDecide).toBe(true);
    expect(mayDecideNow(bob, request({}, { status: 'approved' }))).toBe(false);
  });

  it('does not offer it to the requester, a later level before escalation, an admin who is no approver, or a voter who voted', () => {
    const escalating: Partial<HitlConfigInput> = { onTimeout: 'escalate', escalation: [{ approvers: { users: ['boss'], groups: [] }, timeoutSeconds: 60 }] };
    expect(mayDecideNow(alice, request({ approvers: { users: ['alice'], groups: [] } }))).toBe(false);
    expect(mayDecideNow(who('boss'), request(escalating))).toBe(false);
    expect(mayDecideNow(who('boss'), request(escalating, { level: 1 }))).toBe(true);
    expect(mayDecideNow(root, request())).toBe(false);
    const voted = request({ quorum: { approvals: 2, rejections: 1 } }, { votes: [{ approver: 'bob', vote: 'approve', level: 0, at: '', channel: 'api', scope: 'once' }] });
    expect(mayDecideNow(bob, voted)).toBe(false);
    expect(mayDecideNow(who('carol', 'approvers'), voted)).toBe(true);
  });
});
