import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { statsKeys } from '#adapters/dynamodb/stats-repository';
import { ROLLUP_WINDOW_MS } from '#core/decision-rollup';
import type { StatsRow } from '#core/decision-stats';
import type { ApprovalStore } from '#ports';
import { storeDecision, type DecisionSeed } from './decided-requests.ts';

export type Totals = Record<string, { approved: number; rejected: number; timed_out: number; timed: number }>;

const OUTCOMES = ['approved', 'rejected', 'timed_out', 'approved', 'cancelled'] as const;

/**
 * Stores decisions over `windows` rollup windows from `start`: one to four in each, of two workflows
 * and every outcome (a cancellation too, which is never counted), spread over each window.
 */
export async function storeDecisionsOver(store: ApprovalStore, start: Date, windows: number): Promise<DecisionSeed[]> {
  const seeds: DecisionSeed[] = [];
  let n = 0;
  for (let w = 0; w < windows; w++) {
    for (let i = 0; i < 1 + (w % 4); i++, n++) {
      const decidedAt = new Date(start.getTime() + w * ROLLUP_WINDOW_MS + ((i * 13_001 + w * 7_919) % ROLLUP_WINDOW_MS));
      seeds.push({
        workflowId: n % 3 === 0 ? 'wf-a' : 'wf-b',
        tool: 'send_email',
        outcome: OUTCOMES[n % OUTCOMES.length]!,
        createdAt: new Date(decidedAt.getTime() - (n % 7) * 9_000 - 1_000),
        decidedAt,
      });
    }
  }
  await Promise.all(seeds.map((seed) => storeDecision(store, seed)));
  return seeds;
}

/** What the seeds should count: per workflow, each outcome and the number of times to decision. */
export function expectedTotals(seeds: readonly DecisionSeed[]): Totals {
  const totals: Totals = {};
  for (const seed of seeds) {
    if (seed.outcome === 'cancelled') continue;
    const t = (totals[seed.workflowId] ??= { approved: 0, rejected: 0, timed_out: 0, timed: 0 });
    t[seed.outcome]++;
    t.timed++;
  }
  return totals;
}

export function totalsOf(rows: readonly StatsRow[]): Totals {
  const totals: Totals = {};
  for (const row of rows) {
    const t = (totals[row.workflowId] ??= { approved: 0, rejected: 0, timed_out: 0, timed: 0 });
    t.approved += row.approved;
    t.rejected += row.rejected;
    t.timed_out += row.timed_out;
    t.timed += row.histogram.reduce((sum, k) => sum + k, 0);
  }
  return totals;
}

/** The counts the statistics items hold themselves (what the rollup added), without the tail. */
export async function storedTotals(db: DynamoDBDocumentClient, tableName: string, days: readonly string[]): Promise<Totals> {
  const rows: StatsRow[] = [];
  for (const day of days) {
    const result = await db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': statsKeys.pk(day) }, ConsistentRead: true }));
    for (const item of result.Items ?? []) {
      const histogram = Object.keys(item).filter((k) => /^b\d+$/.test(k)).map((k) => Number(item[k]));
      rows.push({ workflowId: String(item.workflowId), nodeId: String(item.nodeId), tool: String(item.tool), approved: Number(item.approved ?? 0), rejected: Number(item.rejected ?? 0), timed_out: Number(item.timed_out ?? 0), escalated: Number(item.escalated ?? 0), histogram });
    }
  }
  return totalsOf(rows);
}
