import type { CapacityReading } from './capacity-meter.ts';

/**
 * AWS list prices, us-east-1, as published on the pricing pages in late 2025 (DynamoDB on-demand
 * after the 1 November 2024 price cut). They were not re-checked online when this ran: this
 * machine has no internet. Change them here.
 */
export const PRICES = {
  date: 'us-east-1 list prices as of November 2025 (DynamoDB on-demand after the 2024-11-01 cut); not re-checked online',
  stepFunctionsPerTransition: 0.025 / 1_000,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaPerGbSecondArm: 0.0000133334,
  dynamoPerWru: 0.625 / 1_000_000,
  dynamoPerRru: 0.125 / 1_000_000,
  apiGatewayRestPerCall: 3.5 / 1_000_000,
} as const;

/** What one approval is assumed to do, and what AWS adds that the local engines do not show. */
export const ASSUMPTIONS = {
  /** Approval-gate machine on approve: WaitForApproval -> Decision? -> Approved (counted by the bench). */
  apiCallsPerApproval: 3,
  apiCallsWhat: 'one list page (GET /approvals?limit=50), one detail (GET /approvals/{id}) and the decision (POST /approvals/{id}/respond)',
  lambdaMemoryGb: 0.25,
  /** In-region DynamoDB / Step Functions call latency from Lambda, added per call to the local CPU time. */
  awsCallMs: 6,
  /** The sweeper runs every minute whatever the volume: a fixed monthly cost, not per approval. */
  sweeperRunsPerMonth: 43_800,
  excluded:
    'notification channels (SES $0.10 per 1,000 emails, per recipient), CloudWatch Logs ingestion, X-Ray traces, data transfer, Cognito MAUs, Secrets Manager, and free tiers',
} as const;

export interface CostInput {
  readonly transitionsPerApproval: number;
  readonly gate: { readonly localMs: number; readonly capacity: CapacityReading };
  readonly list: { readonly localMs: number; readonly capacity: CapacityReading };
  readonly detail: { readonly localMs: number; readonly capacity: CapacityReading };
  readonly respond: { readonly localMs: number; readonly capacity: CapacityReading; readonly stepFunctionsCalls: number };
}

export interface CostLine {
  readonly item: string;
  readonly quantity: string;
  readonly usdPer1000: number;
}

export interface CostResult {
  readonly lines: CostLine[];
  readonly usdPer1000: number;
  readonly fixedUsdPerMonth: number;
  readonly prices: typeof PRICES;
  readonly assumptions: typeof ASSUMPTIONS;
}

const callsOf = (c: CapacityReading) => Object.values(c.calls).reduce((sum, n) => sum + n, 0);

/** Cost per 1,000 approvals from the measured counts: transitions, DynamoDB units and calls, Lambda time. */
export function costPer1000(input: CostInput): CostResult {
  const invocations = [
    { what: 'gate', localMs: input.gate.localMs, calls: callsOf(input.gate.capacity) },
    { what: 'list', localMs: input.list.localMs, calls: callsOf(input.list.capacity) },
    { what: 'detail', localMs: input.detail.localMs, calls: callsOf(input.detail.capacity) },
    { what: 'respond', localMs: input.respond.localMs, calls: callsOf(input.respond.capacity) + input.respond.stepFunctionsCalls },
  ];
  // Lambda bills each invocation's duration rounded up to the millisecond.
  const gbSeconds = invocations.reduce((sum, i) => sum + (Math.ceil(i.localMs + i.calls * ASSUMPTIONS.awsCallMs) / 1000) * ASSUMPTIONS.lambdaMemoryGb, 0);
  const wru = input.gate.capacity.wru + input.list.capacity.wru + input.detail.capacity.wru + input.respond.capacity.wru;
  const rru = input.gate.capacity.rru + input.list.capacity.rru + input.detail.capacity.rru + input.respond.capacity.rru;
  const k = 1_000;
  const lines: CostLine[] = [
    { item: 'Step Functions (Standard) transitions', quantity: `${input.transitionsPerApproval} per approval`, usdPer1000: k * input.transitionsPerApproval * PRICES.stepFunctionsPerTransition },
    { item: 'API Gateway REST calls', quantity: `${ASSUMPTIONS.apiCallsPerApproval} per approval`, usdPer1000: k * ASSUMPTIONS.apiCallsPerApproval * PRICES.apiGatewayRestPerCall },
    { item: 'DynamoDB writes (on-demand)', quantity: `${wru.toFixed(1)} WRU per approval`, usdPer1000: k * wru * PRICES.dynamoPerWru },
    { item: 'DynamoDB reads (on-demand)', quantity: `${rru.toFixed(1)} RRU per approval`, usdPer1000: k * rru * PRICES.dynamoPerRru },
    { item: 'Lambda requests', quantity: `${invocations.length} per approval`, usdPer1000: k * invocations.length * PRICES.lambdaPerRequest },
    { item: 'Lambda duration (arm64, 256 MB)', quantity: `${(gbSeconds * 1000).toFixed(1)} GB-ms per approval`, usdPer1000: k * gbSeconds * PRICES.lambdaPerGbSecondArm },
  ];
  // An idle sweep: two empty index queries (0.5 RRU each) and about 30 ms.
  const fixedUsdPerMonth =
    ASSUMPTIONS.sweeperRunsPerMonth * (PRICES.lambdaPerRequest + 0.03 * ASSUMPTIONS.lambdaMemoryGb * PRICES.lambdaPerGbSecondArm + 1 * PRICES.dynamoPerRru);
  return { lines, usdPer1000: lines.reduce((sum, l) => sum + l.usdPer1000, 0), fixedUsdPerMonth, prices: PRICES, assumptions: ASSUMPTIONS };
}
