import type { StatsSample } from '#core/decision-stats';
import type { DecisionStats, StatsReading } from '#ports';

/** Counts in DynamoDB (for GET /stats) and publishes to every extra sink (CloudWatch EMF on AWS). */
export class CompositeStats implements DecisionStats {
  constructor(
    private readonly primary: DecisionStats,
    private readonly sinks: Pick<DecisionStats, 'record'>[],
  ) {}

  async record(sample: StatsSample): Promise<void> {
    await Promise.allSettled([this.primary.record(sample), ...this.sinks.map((sink) => sink.record(sample))]);
  }

  read(from: Date, to: Date): Promise<StatsReading> {
    return this.primary.read(from, to);
  }

  rolledUpTo(): Promise<string | undefined> {
    return this.primary.rolledUpTo();
  }
}
