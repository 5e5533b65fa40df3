import type { ToolCall } from '#core/action';
import { hasGate } from '#core/flow';
import type { FlowState, GatePolicy, ToolOutcome } from '#core/flow-state';
import { UNKNOWN_OUTCOME_POLICY_ID, unknownOutcomeStep, unknownOutcomeWhy } from '#core/unknown-outcome';
import type { AuditLog } from '#ports';
import { auditStep, type FlowStepInput } from './flow-step.ts';

export type UnknownOutcome = Extract<ToolOutcome, { status: 'unknown' }>;

/**
 * Where an interrupted `at_most_once` call goes, recorded in the audit log first. At a node with a gate
 * it becomes a new question at that gate (step `<step>#unknown`, the same call as its action, the
 * evidence in its context): approved, the call runs again under the new request's id as idempotency
 * key; rejected, the agent is told it may or may not have happened and was not repeated. At a node
 * without a gate no person was asked for: the agent reads the unknown outcome (`undefined` here).
 */
export async function askWhetherToRunAgain(
  deps: { readonly audit: AuditLog },
  input: FlowStepInput,
  state: FlowState,
  ask: {
    readonly step: string;
    readonly call: ToolCall;
    readonly outcome: UnknownOutcome;
    /** The approvers, quorum and timeout the call's own gate waited with, so the same people are asked. */
    readonly overrides?: GatePolicy['overrides'];
  },
): Promise<FlowState | undefined> {
  const { call, outcome } = ask;
  await auditStep(deps.audit, input, 'tool_result', { toolCallId: call.id, name: call.name, outcome }, 'system:delivery');
  if (!hasGate(input.node)) return undefined;
  return {
    ...state,
    decision: null,
    next: 'gate',
    gate: {
      step: unknownOutcomeStep(ask.step),
      action: { kind: 'tool_call', toolCall: call },
      policy: { id: UNKNOWN_OUTCOME_POLICY_ID, why: unknownOutcomeWhy(outcome.evidence), ...(ask.overrides ? { overrides: ask.overrides } : {}) },
      outcomeUnknown: outcome.evidence,
    },
  };
}
