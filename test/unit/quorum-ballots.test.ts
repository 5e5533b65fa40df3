import { describe, expect, it } from 'vitest';
import { ballotOf, PROPOSED_BALLOT, quorumOutcome, tally } from '#core/quorum';
import type { ApprovalRequest, Vote } from '#core/request';
import { hitl } from '../support/fixtures.ts';

const proposed = { to: 'olivia@example.com', subject: 'Refunds', body: 'Our policy.' };
const edited = { ...proposed, to: 'mallory@example.com' };

function request(approvals: number, rejections = 1): ApprovalRequest {
  return {
    id: 'apr_x', executionId: 'e', workflowId: 'w', nodeId: 'n', step: 's', mode: 'confirm_tools', channel: 'async',
    action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'send_email', args: proposed } }, context: { conversation: [], facts: {} },
    hitl: hitl({ quorum: { approvals, rejections } }), status: 'pending', level: 0, createdAt: 't', dueAt: 't', events: [],
  };
}

let clock = 0;
function vote(approver: string, decision: 'approve' | 'reject', extra: Partial<Vote> = {}): Vote {
  return { approver, vote: decision, level: 0, at: String(clock++), channel: 'api', scope: 'once', ...extra };
}

describe('ballots of a k-of-n quorum', () => {
  it('puts an edit equal to the proposal, in any key order, on the proposed ballot, and other edits on their own', () => {
    const r = request(2);
    expect(ballotOf(r, undefined)).toBe(PROPOSED_BALLOT);
    expect(ballotOf(r, Object.fromEntries(Object.entries(proposed).reverse()))).toBe(PROPOSED_BALLOT);
    expect(ballotOf(r, edited)).not.toBe(PROPOSED_BALLOT);
    expect(ballotOf(r, Object.fromEntries(Object.entries(edited).reverse()))).toBe(ballotOf(r, edited));
  });

  it('does not decide when k approvals are split over different arguments', () => {
    const r = request(2);
    const votes = [vote('bob', 'approve'), vote('erin', 'approve', { editedArgs: edited, scope: 'execution' })];
    expect(quorumOutcome(r, votes)).toBeUndefined();
    expect(tally(r, votes)).toEqual({ approvals: 2, rejections: 0, ballots: { [PROPOSED_BALLOT]: 1, [ballotOf(r, edited)]: 1 } });
  });

  it('decides the arguments k approvers named, with the narrowest of their scopes and the completing voter last', () => {
    const r = request(2);
    const votes = [vote('erin', 'approve', { editedArgs: edited, scope: 'execution' }), vote('bob', 'approve'), vote('frank', 'approve', { editedArgs: edited })];
    expect(quorumOutcome(r, votes)).toMatchObject({ outcome: 'approved', editedArgs: edited, scope: 'once', votes: [{ approver: 'erin' }, { approver: 'frank' }] });
  });

  it('reaches execution scope only when every vote of the quorum asks for it', () => {
    const r = request(2);
    const votes = [vote('bob', 'approve', { scope: 'execution' }), vote('carol', 'approve', { scope: 'execution' })];
    const reached = quorumOutcome(r, votes);
    expect(reached).toMatchObject({ outcome: 'approved', scope: 'execution' });
    expect(reached?.editedArgs).toBeUndefined();
  });

  it('lets the ballot completed first decide when two ballots reach k, and a rejection count win over both', () => {
    const r = request(2, 2);
    const votes = [vote('a', 'approve', { editedArgs: edited }), vote('b', 'approve'), vote('c', 'approve'), vote('d', 'approve', { editedArgs: edited })];
    expect(quorumOutcome(r, votes)).toMatchObject({ outcome: 'approved', votes: [{ approver: 'b' }, { approver: 'c' }] });
    expect(quorumOutcome(r, [...votes, vote('e', 'reject'), vote('f', 'reject', { scope: 'execution' })])).toMatchObject({ outcome: 'rejected', scope: 'once' });
  });

  it('reads votes stored without a scope as "once"', () => {
    const r = request(2);
    const legacy = [vote('bob', 'approve'), vote('carol', 'approve')].map(({ scope: _scope, ...rest }) => rest as Vote);
    expect(quorumOutcome(r, legacy)).toMatchObject({ outcome: 'approved', scope: 'once' });
  });
});
