import { describe, expect, it } from 'vitest';
import { decidedSampleOf, ROLLUP_SETTLE_MARGIN_MS, rollupHorizon, tally, windowEnd, windowOf, withTail, type DecidedRequest } from '#core/decision-rollup';
import { bucketOf } from '#core/decision-stats';

function decided(workflowId: string, outcome: DecidedRequest['decision']['outcome'], decidedAt: string, createdAt = '2026-11-25T10:00:00.000Z'): DecidedRequest {
  return { workflowId, nodeId: 'agent', createdAt, action: { kind: 'tool_call', toolCall: { id: 'c', name: 'send_email', args: {} } }, decision: { outcome, decidedAt } };
}

describe('rollup windows', () => {
  it('puts a time in the minute that holds it, ends the window a minute later', () => {
    expect(windowOf('2026-11-25T10:03:59.999Z')).toBe('2026-11-25T10:03:00.000Z');
    expect(windowOf('2026-11-25T10:04:00.000Z')).toBe('2026-11-25T10:04:00.000Z');
    expect(windowEnd('2026-11-25T23:59:00.000Z')).toBe('2026-11-26T00:00:00.000Z');
  });

  it('stays the settle margin behind the clock, at a window start', () => {
    const now = new Date('2026-11-25T10:07:30.000Z');
    const horizon = rollupHorizon(now);
    expect(horizon).toBe(windowOf(new Date(now.getTime() - ROLLUP_SETTLE_MARGIN_MS).toISOString()));
    expect(now.getTime() - Date.parse(horizon)).toBeGreaterThanOrEqual(ROLLUP_SETTLE_MARGIN_MS);
  });
});

describe('tally', () => {
  it('adds decisions up per day and workflow, node and tool, with their times to decision', () => {
    // Prepare: two approvals and a timeout of one workflow on one day, one approval the next day
    const samples = [
      decided('wf', 'approved', '2026-11-25T10:00:04.000Z'),
      decided('wf', 'approved', '2026-11-25T10:00:50.000Z'),
      decided('wf', 'timed_out', '2026-11-25T11:00:00.000Z'),
      decided('wf', 'approved', '2026-11-26T00:00:01.000Z', '2026-11-26T00:00:00.000Z'),
    ].map((r) => decidedSampleOf(r)!);
    // Act
    const deltas = tally(samples);
    // Assess
    expect(deltas).toHaveLength(2);
    const first = deltas.find((d) => d.day === '2026-11-25')!;
    expect(first).toMatchObject({ workflowId: 'wf', nodeId: 'agent', tool: 'send_email', approved: 2, rejected: 0, timed_out: 1, escalated: 0 });
    expect(first.histogram[bucketOf(4)]).toBe(1);
    expect(first.histogram[bucketOf(50)]).toBe(1);
    expect(first.histogram[bucketOf(3600)]).toBe(1);
    expect(deltas.find((d) => d.day === '2026-11-26')).toMatchObject({ approved: 1 });
  });

  it('leaves cancellations out, as before', () => {
    expect(decidedSampleOf(decided('wf', 'cancelled', '2026-11-25T10:00:04.000Z'))).toBeUndefined();
  });
});

describe('withTail', () => {
  it('adds only the decisions after the window its row has taken last, so a half-added window counts once', () => {
    // Prepare: the row took the window up to 10:05; one decision before that mark, one after; another row took nothing yet
    const before = decidedSampleOf(decided('wf', 'approved', '2026-11-25T10:04:30.000Z'))!;
    const after = decidedSampleOf(decided('wf', 'rejected', '2026-11-25T10:05:00.000Z'))!;
    const other = decidedSampleOf(decided('other', 'approved', '2026-11-25T10:04:30.000Z'))!;
    const [row] = tally([before]);
    // Act
    const rows = withTail([{ ...row!, rolledUpTo: '2026-11-25T10:05:00.000Z' }], [before, after, other]);
    // Assess
    const sum = (wf: string, key: 'approved' | 'rejected') => rows.filter((r) => r.workflowId === wf).reduce((n, r) => n + r[key], 0);
    expect(sum('wf', 'approved')).toBe(1);
    expect(sum('wf', 'rejected')).toBe(1);
    expect(sum('other', 'approved')).toBe(1);
  });
});
