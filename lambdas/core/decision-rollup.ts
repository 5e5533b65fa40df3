import { bucketOf, DECISION_TIME_BUCKETS, sampleOf, type StatsRow, type StatsSample } from './decision-stats.ts';
import type { ApprovalRequest } from './request.ts';

/**
 * Decisions are counted from the decided timeline, in whole windows of this length, aligned to the
 * epoch. Every rollup sees the same windows, so two that run at once add the same window's counts
 * to the same items, and each item takes them once (see StatsDelta.windowEnd).
 */
export const ROLLUP_WINDOW_MS = 60_000;

/**
 * How far behind the clock the rollup stays: a window is counted only once it ended this long ago.
 * It must exceed the longest time between a writer taking a decision's `decidedAt` and that write
 * being visible in the timeline index, or the decision lands behind the rollup and is never counted.
 * A writer takes the time inside a function call and writes before the call ends, so that time is
 * bounded by the longest function timeout of any writer (100 s; the sweeper's own is 50 s), plus the
 * index's replication lag, usually under a second but longer while the index is throttled: 5
 * minutes leave more than three minutes for it. GET /stats adds the decisions of those minutes
 * from the timeline itself, so the margin does not delay what the statistics show.
 */
export const ROLLUP_SETTLE_MARGIN_MS = 300_000;

/** A decided request as the timeline holds it: what a count needs. */
export type DecidedRequest = Pick<ApprovalRequest, 'workflowId' | 'nodeId' | 'action' | 'createdAt'> & {
  readonly decision: Pick<NonNullable<ApprovalRequest['decision']>, 'outcome' | 'decidedAt'>;
};

/** One decision to count, with the time it was decided. */
export type DecidedSample = StatsSample & { readonly decidedAt: string };

/** What one decision adds to the statistics; nothing for a cancellation, which is not counted. */
export function decidedSampleOf(request: DecidedRequest): DecidedSample | undefined {
  const { outcome, decidedAt } = request.decision;
  if (outcome === 'cancelled') return undefined;
  return { ...sampleOf(request, outcome, new Date(decidedAt)), decidedAt };
}

/** The start of the window holding `at` (ISO time). */
export function windowOf(at: string): string {
  const ms = Date.parse(at);
  return new Date(ms - (((ms % ROLLUP_WINDOW_MS) + ROLLUP_WINDOW_MS) % ROLLUP_WINDOW_MS)).toISOString();
}

/** The end of the window that starts at `start`. */
export function windowEnd(start: string): string {
  return new Date(Date.parse(start) + ROLLUP_WINDOW_MS).toISOString();
}

/** Where the rollup may go up to at `now`: the start of the window the settle margin falls in. */
export function rollupHorizon(now: Date): string {
  return windowOf(new Date(now.getTime() - ROLLUP_SETTLE_MARGIN_MS).toISOString());
}

/** The counts one window adds to one statistics item (a day and a workflow, node and tool). */
export interface StatsDelta extends StatsRow {
  readonly day: string;
}

/** Adds samples up per day and (workflow, node, tool). */
export function tally(samples: readonly StatsSample[]): StatsDelta[] {
  const deltas = new Map<string, { -readonly [K in keyof StatsDelta]: StatsDelta[K] } & { histogram: number[] }>();
  for (const sample of samples) {
    const key = `${sample.day}\u0000${rowKeyOf(sample)}`;
    let delta = deltas.get(key);
    if (!delta) {
      delta = { day: sample.day, workflowId: sample.workflowId, nodeId: sample.nodeId, tool: sample.tool, approved: 0, rejected: 0, timed_out: 0, escalated: 0, histogram: DECISION_TIME_BUCKETS.map(() => 0) };
      deltas.set(key, delta);
    }
    delta[sample.outcome]++;
    if (sample.secondsToDecision !== undefined) delta.histogram[bucketOf(sample.secondsToDecision)]!++;
  }
  return [...deltas.values()];
}

/** A statistics item as stored: its counts, and the end of the last window the rollup added to it. */
export interface StoredStatsRow extends StatsDelta {
  readonly rolledUpTo?: string;
}

/**
 * The statistics of stored rows plus the decisions not rolled up into them yet. A decision is in its
 * row once the rollup added its window (decided before the row's `rolledUpTo`); those after it are
 * added here. So a reading is exact while a rollup is half way through a window, too.
 */
export function withTail(rows: readonly StoredStatsRow[], tail: readonly DecidedSample[]): StatsRow[] {
  const rolledUpTo = new Map(rows.map((row) => [`${row.day}\u0000${rowKeyOf(row)}`, row.rolledUpTo]));
  const notRolled = tail.filter((sample) => {
    const upTo = rolledUpTo.get(`${sample.day}\u0000${rowKeyOf(sample)}`);
    return upTo === undefined || sample.decidedAt >= upTo;
  });
  return [...rows, ...tally(notRolled)];
}

function rowKeyOf(row: Pick<StatsSample, 'workflowId' | 'nodeId' | 'tool'>): string {
  return `${row.workflowId}\u0000${row.nodeId}\u0000${row.tool}`;
}
