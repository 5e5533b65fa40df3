import type { ApprovalRequest } from './request.ts';

/**
 * Time-to-decision is kept as a histogram with fixed bucket bounds (seconds), so counters can be
 * added up with atomic ADDs and percentiles read back without storing every sample.
 */
export const DECISION_TIME_BUCKETS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400, 28_800, 86_400, Infinity] as const;

export type StatsOutcome = 'approved' | 'rejected' | 'timed_out' | 'escalated';

/** One thing to count: a decision (with its time) or an escalation. */
export interface StatsSample {
  readonly day: string;
  readonly workflowId: string;
  readonly nodeId: string;
  readonly tool: string;
  readonly outcome: StatsOutcome;
  readonly secondsToDecision?: number;
}

export function bucketOf(seconds: number): number {
  return DECISION_TIME_BUCKETS.findIndex((bound) => seconds <= bound);
}

/** What a decided (or escalated) request contributes to the statistics. */
export function sampleOf(request: Pick<ApprovalRequest, 'workflowId' | 'nodeId' | 'action' | 'createdAt'>, outcome: StatsOutcome, at: Date): StatsSample {
  const tool = request.action.kind === 'tool_call' ? request.action.toolCall.name : '(message)';
  return {
    day: at.toISOString().slice(0, 10),
    workflowId: request.workflowId,
    nodeId: request.nodeId,
    tool,
    outcome,
    ...(outcome !== 'escalated' ? { secondsToDecision: Math.max(0, (at.getTime() - Date.parse(request.createdAt)) / 1000) } : {}),
  };
}

export interface StatsRow {
  readonly workflowId: string;
  readonly nodeId: string;
  readonly tool: string;
  readonly approved: number;
  readonly rejected: number;
  readonly timed_out: number;
  readonly escalated: number;
  /** Counts per DECISION_TIME_BUCKETS index. */
  readonly histogram: readonly number[];
}

/** The upper bound of the bucket holding the p-th percentile; null without samples. */
export function percentile(histogram: readonly number[], p: number): number | null {
  const total = histogram.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) return Number.isFinite(DECISION_TIME_BUCKETS[i]) ? DECISION_TIME_BUCKETS[i]! : null;
  }
  return null;
}

/** Adds rows of several days into one row per (workflow, node, tool), with percentiles. */
export function summarize(rows: readonly StatsRow[]) {
  const merged = new Map<string, StatsRow & { histogram: number[] }>();
  for (const row of rows) {
    const key = `${row.workflowId}\u0000${row.nodeId}\u0000${row.tool}`;
    const into = merged.get(key) ?? { ...row, approved: 0, rejected: 0, timed_out: 0, escalated: 0, histogram: DECISION_TIME_BUCKETS.map(() => 0) };
    merged.set(key, {
      ...into,
      approved: into.approved + row.approved,
      rejected: into.rejected + row.rejected,
      timed_out: into.timed_out + row.timed_out,
      escalated: into.escalated + row.escalated,
      histogram: into.histogram.map((n, i) => n + (row.histogram[i] ?? 0)),
    });
  }
  return [...merged.values()].map(({ histogram, ...counts }) => ({
    ...counts,
    secondsToDecision: { p50: percentile(histogram, 50), p90: percentile(histogram, 90), p99: percentile(histogram, 99) },
  }));
}
