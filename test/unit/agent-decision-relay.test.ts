import { describe, expect, it } from 'vitest';
import { relayDecision } from '#agents/durable-functions';
import { verdictOf } from '#agents/hitl';

const webhookBody = (status: string, decision?: Record<string, unknown>) => JSON.stringify({ id: 'apr_1', gateId: 'refund-approval', status, decision, decidedAt: '2026-01-01T00:00:00Z' });

describe('reading a decision', () => {
  it('lets only an approval through, and carries the reason and edited arguments', () => {
    // Act
    const approved = verdictOf('apr_1', { status: 'approved', decision: { outcome: 'approved', approver: 'bob', editedArgs: { amount: 80 } } });
    const rejected = verdictOf('apr_1', { status: 'rejected', decision: { outcome: 'rejected', approver: 'bob', reason: 'No.' } });
    const timedOut = verdictOf('apr_1', { status: 'timed_out' });

    // Assess
    expect(approved).toEqual({ approved: true, status: 'approved', requestId: 'apr_1', approver: 'bob', reason: undefined, editedArgs: { amount: 80 } });
    expect(rejected).toMatchObject({ approved: false, reason: 'No.' });
    expect(timedOut).toMatchObject({ approved: false, status: 'timed_out', reason: 'No one decided in time.' });
    expect(verdictOf('apr_1', { status: 'pending' })).toBeUndefined();
  });

  it('refuses a body that is not a decision, naming the field', () => {
    // Act + Assess
    expect(() => verdictOf('apr_1', { status: 'maybe' })).toThrow(/status/);
  });
});

describe('relaying a decision webhook to a durable function', () => {
  it('completes the callback named in the URL with the verdict', async () => {
    // Prepare
    const sent: [string, string][] = [];

    // Act
    const relayed = await relayDecision({ url: '/decisions?callbackId=cb%2F1', body: webhookBody('rejected', { outcome: 'rejected', reason: 'No.' }) }, async (id, result) => sent.push([id, result]));

    // Assess
    expect(relayed).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]![0]).toBe('cb/1');
    expect(JSON.parse(sent[0]![1])).toMatchObject({ approved: false, status: 'rejected', requestId: 'apr_1', reason: 'No.' });
  });

  it('completes nothing when the URL names no callback', async () => {
    // Prepare
    const sent: string[] = [];

    // Act
    const relayed = await relayDecision({ url: '/decisions', body: webhookBody('approved', { outcome: 'approved' }) }, async (id) => sent.push(id));

    // Assess
    expect(relayed).toBe(false);
    expect(sent).toEqual([]);
  });
});
