import * as z from 'zod';
import { FlowActionSchema, FlowTurnSchema, ToolCallSchema, type ConversationTurn, type ToolCall } from './action.ts';
import type { ExecutionGrants } from './gate-verdict.ts';
import { PolicyRuleSchema } from './policy-rule-schema.ts';
import { PolicyRefSchema, WorkflowDecisionSchema } from './request.ts';
import { UnknownOutcomeEvidenceSchema } from './unknown-outcome.ts';

/**
 * Where a flow goes after a step, read by the node's Choice state:
 * `agent` asks the model again, `tool` handles the next pending tool call, `gate` pauses for a person,
 * `done` moves on to the next node, `end` stops the flow (a reviewer held the answer back).
 */
export const FlowRouteSchema = z.enum(['agent', 'tool', 'gate', 'done', 'end']);
export type FlowRoute = z.infer<typeof FlowRouteSchema>;

/**
 * The gate policy's verdict that paused the flow: which rule and why, and what a require_approval rule
 * changes about the wait (approvers, quorum, timeout). The gate function applies it to the request.
 */
export const GatePolicySchema = PolicyRefSchema.extend({
  overrides: PolicyRuleSchema.pick({ approvers: true, quorum: true, timeoutSeconds: true }).optional(),
});
export type GatePolicy = z.infer<typeof GatePolicySchema>;

/**
 * What the flow pauses on: the gate step id (the tool call id, or `message-<n>`), the action, and the
 * policy that paused it. `outcomeUnknown` is set when the gate asks whether to run an interrupted
 * `at_most_once` call again; the approver sees it in the request's context facts.
 */
export const GateAskSchema = z.object({
  step: z.string().min(1).max(256),
  action: FlowActionSchema,
  policy: GatePolicySchema.optional(),
  outcomeUnknown: UnknownOutcomeEvidenceSchema.optional(),
});
export type GateAsk = z.infer<typeof GateAskSchema>;

export const GrantsSchema = z.object({
  allowedTools: z.array(z.string()).max(200).default([]),
  deniedTools: z.array(z.string()).max(200).default([]),
});

export const FlowOutputSchema = z.object({
  message: z.string(),
  /** True when a reviewer held the agent's answer back; `message` then says so and why. */
  heldBack: z.boolean().optional(),
});
export type FlowOutput = z.infer<typeof FlowOutputSchema>;

/** The execution input the API starts a flow with. */
export const FlowInputSchema = z.object({ message: z.string().min(1).max(8000) });

/**
 * The state a flow execution carries from state to state (the Step Functions data). Every field is
 * always present: in JSONPath a reference to a missing field fails the state instead of yielding null.
 * This is also what a gate checkpoints, so a restarted engine resumes from it.
 */
export const FlowStateSchema = z.object({
  flowId: z.string(),
  revision: z.number().int(),
  requestedBy: z.string().nullable(),
  input: FlowInputSchema,
  conversation: z.array(FlowTurnSchema),
  /** Tool calls of the current agent turn that are not handled yet, in the order the model made them. */
  pending: z.array(ToolCallSchema),
  /** Tools an approver allowed or refused for the rest of this execution (`scope: 'execution'`). */
  grants: GrantsSchema,
  next: FlowRouteSchema,
  gate: GateAskSchema.nullable(),
  /** The decision the gate returned; consumed by the next step. */
  decision: WorkflowDecisionSchema.nullable(),
  output: FlowOutputSchema.nullable(),
  /** Model turns taken at the current node. */
  turns: z.number().int().min(0),
});
export type FlowState = z.infer<typeof FlowStateSchema>;

/** The state an execution starts with. */
export function initialFlowState(flow: { id: string; revision: number }, message: string, requestedBy: string | null): FlowState {
  return {
    flowId: flow.id,
    revision: flow.revision,
    requestedBy,
    input: { message },
    conversation: [{ role: 'user', content: message }],
    pending: [],
    grants: { allowedTools: [], deniedTools: [] },
    next: 'agent',
    gate: null,
    decision: null,
    output: null,
    turns: 0,
  };
}

/** Adds an approver's `scope: 'execution'` answer to the grants; a tool is never on both lists. */
export function withGrant(grants: ExecutionGrants, tool: string, outcome: 'allow' | 'deny'): FlowState['grants'] {
  const allowed = grants.allowedTools.filter((name) => name !== tool);
  const denied = grants.deniedTools.filter((name) => name !== tool);
  return outcome === 'allow' ? { allowedTools: [...allowed, tool], deniedTools: denied } : { allowedTools: allowed, deniedTools: [...denied, tool] };
}

/** What became of a tool call, as the agent reads it in the tool's turn of the conversation. */
export const ToolOutcomeSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ok'),
    result: z.unknown(),
    approvedBy: z.string().optional(),
    editedArgs: z.record(z.string(), z.unknown()).optional(),
    /** Tells the agent that an approver changed its call, and how. */
    notice: z.string().optional(),
  }),
  /** The gate policy refused the call (blocked list, or refused for this execution). */
  z.object({ status: z.literal('refused'), reason: z.string() }),
  z.object({ status: z.literal('rejected'), reason: z.string(), approver: z.string() }),
  z.object({ status: z.literal('timed_out'), reason: z.string() }),
  z.object({ status: z.literal('error'), error: z.string() }),
  /**
   * The call was interrupted between its effect and the record of it, and it was not run again: it may
   * or may not have happened. `approver` is set when a person chose not to run it again.
   */
  z.object({ status: z.literal('unknown'), reason: z.string(), evidence: UnknownOutcomeEvidenceSchema, approver: z.string().optional() }),
]);
export type ToolOutcome = z.infer<typeof ToolOutcomeSchema>;

/** The conversation turn that reports a tool call's outcome back to the agent. */
export function toolTurn(call: ToolCall, outcome: ToolOutcome): ConversationTurn {
  return { role: 'tool', toolCallId: call.id, toolName: call.name, content: JSON.stringify(outcome) };
}

/** Reads a tool turn back; a turn that is not one of ours reads as a plain result. */
export function readToolOutcome(turn: ConversationTurn): ToolOutcome {
  try {
    const parsed = ToolOutcomeSchema.safeParse(JSON.parse(turn.content));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: fall through
  }
  return { status: 'ok', result: turn.content };
}

/** Why a call has no result: the reason it was refused or left unknown, or the tool's error. */
export function reasonOf(outcome: Exclude<ToolOutcome, { status: 'ok' }>): string {
  return outcome.status === 'error' ? outcome.error : outcome.reason;
}

/** True when the outcome means the tool did not run because a person or the policy said no. */
export function wasRefused(outcome: ToolOutcome): outcome is Extract<ToolOutcome, { reason: string }> {
  return outcome.status === 'refused' || outcome.status === 'rejected' || outcome.status === 'timed_out';
}
