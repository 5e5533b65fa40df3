import type { HitlConfig } from './hitl-config.ts';
import type * as Policy from './policy.ts';
import type { PolicyRule } from './policy-rule-schema.ts';

/** Tool permissions an approver granted or revoked for the rest of one execution. */
export interface ExecutionGrants {
  readonly allowedTools: readonly string[];
  readonly deniedTools: readonly string[];
}

export const NO_GRANTS: ExecutionGrants = { allowedTools: [], deniedTools: [] };

/** What a require_approval rule changes about the wait: other approvers, a quorum, another timeout. */
export type ApprovalOverrides = Pick<PolicyRule, 'approvers' | 'quorum' | 'timeoutSeconds'>;

/**
 * The gate's answer. `policyId` names what decided: a policy rule's id, or `blockedTools`,
 * `approvedTools`, `grant`, `mode` for the built-in rules.
 */
export type GateVerdict =
  | { readonly outcome: 'pass'; readonly why: string; readonly policyId: string }
  | { readonly outcome: 'pause'; readonly why: string; readonly policyId: string; readonly overrides?: ApprovalOverrides }
  | { readonly outcome: 'deny'; readonly why: string; readonly policyId: string; readonly reason: string }
  | { readonly outcome: 'log'; readonly why: string; readonly policyId: string };

/** The node's config as the gate should apply it after a require_approval rule's overrides. */
export function effectiveConfig(config: HitlConfig, verdict: GateVerdict): HitlConfig {
  if (verdict.outcome !== 'pause' || !verdict.overrides) return config;
  return {
    ...config,
    ...(verdict.overrides.approvers ? { approvers: verdict.overrides.approvers } : {}),
    ...(verdict.overrides.quorum ? { quorum: verdict.overrides.quorum } : {}),
    ...(verdict.overrides.timeoutSeconds ? { timeoutSeconds: verdict.overrides.timeoutSeconds } : {}),
  };
}

/**
 * The gate policy's verdict (evaluateGate of policy.ts). The policy and its CEL and RE2 engines load
 * on the first call, once per process, rather than at every cold start of every function.
 */
export async function evaluateGatePolicy(...args: Parameters<typeof Policy.evaluateGate>): Promise<GateVerdict> {
  const { evaluateGate } = await import('./policy.ts');
  return evaluateGate(...args);
}
