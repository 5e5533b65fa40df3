import { sampleOf, type StatsOutcome } from '#core/decision-stats';
import type { ApprovalRequest } from '#core/request';
import type { Clock, DecisionStats } from '#ports';

/** Counts a decision or escalation for insights. Best effort: statistics never fail a decision. */
export async function recordStats(
  deps: { readonly stats?: DecisionStats; readonly clock: Clock },
  request: ApprovalRequest,
  outcome: StatsOutcome,
): Promise<void> {
  if (!deps.stats) return;
  try {
    await deps.stats.record(sampleOf(request, outcome, deps.clock.now()));
  } catch {
    // A missed count is acceptable; a failed decision because of a counter is not.
  }
}
