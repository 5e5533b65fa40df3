import type { ToolCall } from '#core/action';
import type { AuditKind } from '#core/audit-entry';
import type { FlowNode } from '#core/flow';
import type { FlowRoute, FlowState } from '#core/flow-state';
import type { AuditLog } from '#ports';

/** What every flow step gets from its state machine task: who it runs for, which node, and the state. */
export interface FlowStepInput<N extends FlowNode = FlowNode> {
  /** The execution name, which is also the API's execution id. */
  readonly executionId: string;
  readonly flowId: string;
  readonly node: N;
  readonly state: FlowState;
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
