import { describe, expect, it } from 'vitest';
import { verdictOf } from '#agents/hitl';

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
