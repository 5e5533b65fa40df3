import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { StatsSample } from '#core/decision-stats';
import type { DecisionMetrics } from '#ports';

/**
 * Publishes each decision (as the rollup counts it, at most once) and each escalation as CloudWatch
 * metrics in embedded metric format (one log line, no API call): a count per outcome, and the time
 * to decision, by workflow and outcome.
 */
export class EmfStats implements DecisionMetrics {
  constructor(private readonly metrics = new Metrics({ namespace: 'HitlApprovals', serviceName: 'hitl-approvals' })) {}

  async record(sample: StatsSample): Promise<void> {
    const single = this.metrics.singleMetric();
    single.addDimension('workflow', sample.workflowId);
    single.addDimension('outcome', sample.outcome);
    single.addMetric('Decisions', MetricUnit.Count, 1);
    if (sample.secondsToDecision !== undefined) single.addMetric('TimeToDecision', MetricUnit.Seconds, sample.secondsToDecision);
    single.publishStoredMetrics();
  }
}
