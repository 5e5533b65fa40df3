import type { StatsRow, StatsSample } from '#core/decision-stats';
import type { DecisionStats } from '#ports';

/** Counts in DynamoDB (for GET /stats) and publishes to every extra sink (CloudWatch EMF on AWS). */
export class CompositeStats implements DecisionStats {
  constructor(
    private readonly primary: DecisionStats,
    private readonly sinks: Pick<DecisionStats, 'record'>[],
  ) {}

  async record(sample: StatsSample): Promise<void> {
    await Promise.allSettled([this.primary.record(sample), ...this.sinks.map((sink) => sink.record(sample))]);
  }

  rows(from: Date, to: Date): Promise<StatsRow[]> {
    return this.primary.rows(from, to);
  }
}
