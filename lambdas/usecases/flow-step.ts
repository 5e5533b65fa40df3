import type { ToolCall } from '#core/action';
import type { AuditKind } from '#core/audit-entry';
import type { FlowNode } from '#core/flow';
import type { FlowRoute, FlowState, GatePolicy } from '#core/flow-state';
import type { FlowChannel } from '#core/hitl-config';
import type { GateVerdict } from '#core/gate-verdict';
import type { PolicyInput } from '#core/policy-rule-schema';
import type { AuditLog } from '#ports';

/** What every flow step gets from its state machine task: who it runs for, which node, and the state. */
export interface FlowStepInput<N extends FlowNode = FlowNode> {
  /** The execution name, which is also the API's execution id. */
  readonly executionId: string;
  readonly flowId: string;
  /** The flow's channel; `async` when the state machine does not say. */
  readonly channel?: FlowChannel;
  readonly node: N;
  readonly state: FlowState;
  /** The invocation running this step (the Lambda request id); a tool run it starts records it as its attempt. */
  readonly attempt?: string;
}

/** What a gate policy's CEL rules see as `context` at this step. */
export function policyContext(input: FlowStepInput): PolicyInput['context'] {
  return { workflowId: input.flowId, nodeId: input.node.id, channel: input.channel ?? 'async', requestedBy: input.state.requestedBy, facts: {} };
}

// A rule's description and an evaluation error end up in `why`; the state schema caps it.
const MAX_WHY_CHARS = 2000;

/** A pause verdict as the gate receives it: the policy, and its overrides when it has any. */
export function gatePolicyOf(verdict: Extract<GateVerdict, { outcome: 'pause' }>): GatePolicy {
  const overrides = verdict.overrides && Object.keys(verdict.overrides).length > 0 ? verdict.overrides : undefined;
  return { id: verdict.policyId, why: verdict.why.slice(0, MAX_WHY_CHARS), ...(overrides ? { overrides } : {}) };
}

/** Where a node goes once a tool call is handled: the next pending call, back to the model, or on. */
export function routeAfterTool(node: FlowNode, pending: readonly ToolCall[]): FlowRoute {
  if (pending.length > 0) return 'tool';
  return node.type === 'agent' ? 'agent' : 'done';
}

/** The pending calls without the one just handled. */
export function withoutCall(pending: readonly ToolCall[], id: string): ToolCall[] {
  return pending.filter((call) => call.id !== id);
}

/** Appends one audit entry for a step of `input`'s execution. */
export function auditStep(
  audit: AuditLog,
  input: FlowStepInput,
  kind: AuditKind,
  detail: Record<string, unknown>,
  actor = `agent:${input.node.id}`,
): Promise<unknown> {
  return audit.append({ executionId: input.executionId, workflowId: input.flowId, nodeId: input.node.id, kind, actor, detail });
}
