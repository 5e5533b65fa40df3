import { costPer1000 } from '../lib/cost.ts';
import type { BenchPart, Figure } from '../lib/figure.ts';
import type { ApprovalGateTransitions } from '../lib/transitions.ts';
import type { LatencyResult } from '../latency.ts';

/** Cost per 1,000 approvals from the transitions and latency parts' counts (bench/lib/cost.ts). */
export const costPart: BenchPart = {
  id: 'cost',
  title: 'Cost per 1,000 approvals on AWS (list prices, see the assumptions)',
  async run({ earlier }) {
    const transitions = earlier.transitions?.raw as { approvalGate: ApprovalGateTransitions[] } | undefined;
    const latency = earlier.latency?.raw as LatencyResult | undefined;
    if (!transitions || !latency) throw new Error('the cost part needs the transitions and latency parts (run them first, or keep them in bench/results.json)');
    const approve = transitions.approvalGate.find((t) => t.outcome === 'approved')!;
    const cost = costPer1000({
      transitionsPerApproval: approve.transitions,
      gate: { localMs: latency.gate.p50, capacity: latency.capacity.gate },
      list: { localMs: latency.list.p50, capacity: latency.capacity.list },
      detail: { localMs: latency.detail.p50, capacity: latency.capacity.detail },
      respond: { localMs: latency.respond.p50, capacity: latency.capacity.respond, stepFunctionsCalls: 1 },
    });
    const figures: Figure[] = cost.lines.map((line) => ({ name: `${line.item} (${line.quantity})`, value: line.usdPer1000.toFixed(4), unit: '$' }));
    figures.push({ name: 'total per 1,000 approvals', value: cost.usdPer1000.toFixed(3), unit: '$', target: '≤ $0.15', met: cost.usdPer1000 <= 0.15 });
    figures.push({ name: 'fixed: sweeper every minute, per month', value: cost.fixedUsdPerMonth.toFixed(3), unit: '$' });
    const a = cost.assumptions;
    return {
      figures,
      raw: cost,
      meaning: [
        'Derived from the counts of the other parts, not from a bill.',
        `Prices: ${cost.prices.date}. Step Functions Standard $${(cost.prices.stepFunctionsPerTransition * 1000).toFixed(3)} per 1,000 transitions; Lambda $0.20 per 1M requests and $${cost.prices.lambdaPerGbSecondArm} per GB-second (arm64); DynamoDB on-demand $0.625 per million WRU and $0.125 per million RRU; API Gateway REST $3.50 per million calls.`,
        `One approval = one gate invocation + ${a.apiCallsPerApproval} API calls: ${a.apiCallsWhat}. Every API call is a Lambda invocation.`,
        'DynamoDB units are metered on the real calls of the local run (bench/lib/capacity-meter.ts): each write is priced from the item before and after it, table and every GSI it touches; reads from the items returned, eventually consistent reads at half.',
        `Lambda duration = the local p50 of the operation + ${a.awsCallMs} ms per DynamoDB or Step Functions call (in-region round trip), at ${a.lambdaMemoryGb * 1024} MB, rounded up to the ms.`,
        `Not included: ${a.excluded}. Fixed: the sweeper runs every minute (${a.sweeperRunsPerMonth.toLocaleString('en')} runs a month).`,
      ].join(' '),
      misses: { 'total per 1,000 approvals': '**Cost.** Step Functions transitions dominate; a cheaper gate needs fewer states per gate.' },
    };
  },
};
