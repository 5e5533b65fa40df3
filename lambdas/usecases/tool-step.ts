import type { ToolCall } from '#core/action';
import type { FlowNode } from '#core/flow';
import { toolTurn, type FlowState, type ToolOutcome } from '#core/flow-state';
import { evaluateGatePolicy } from '#core/gate-verdict';
import type { ApprovalStore, AuditLog } from '#ports';
import type { ToolDefinition } from '../tools/tool.ts';
import { auditStep, gatePolicyOf, policyContext, routeAfterTool, withoutCall, type FlowStepInput } from './flow-step.ts';
import { auditableDetail } from './large-state.ts';
import { runToolOnce, type RunToolDeps } from './run-tool-once.ts';
import { askWhetherToRunAgain } from './unknown-outcome-gate.ts';

export interface ToolStepDeps extends RunToolDeps {
  readonly tools: { get(name: string): ToolDefinition<any> | undefined };
  readonly audit: AuditLog;
  /** The approval requests, where an approved call records the arguments it ran with. */
  readonly store: Pick<ApprovalStore, 'get' | 'appendEvent'>;
}

export interface ToolStepInput extends FlowStepInput {
  /** A tool node's call, built by its state from fixed and state-derived arguments; agent nodes use `pending`. */
  readonly call?: ToolCall;
}

/** The idempotency key of a call that runs without an approval. */
export function directRunKey(executionId: string, nodeId: string, callId: string): string {
  return `${executionId}/${nodeId}/${callId}`;
}

/**
 * Handles the next pending tool call through the gate policy, with this execution's grants and
 * context: approved tools run at once, blocked ones are refused with a reason the agent reads, audited
 * ones run and are logged, and the rest pause at the node's gate (step = the tool call id), carrying
 * the verdict so the gate waits for the approvers, quorum and timeout a policy asks for. The policy
 * sees the arguments as the tool will get them (defaults filled in). In confirm_tools mode every pass
 * and deny is audited with the id of the policy that made it. A call that was interrupted before its
 * outcome was recorded follows its tool's delivery contract (see runToolOnce, askWhetherToRunAgain).
 */
export async function toolStep(deps: ToolStepDeps, input: ToolStepInput): Promise<FlowState> {
  const { node } = input;
  const state: FlowState = input.call ? { ...input.state, pending: [input.call] } : input.state;
  const call = state.pending[0];
  if (!call) return { ...state, next: routeAfterTool(node, []) };

  const finish = (outcome: ToolOutcome): FlowState => {
    const pending = withoutCall(state.pending, call.id);
    return { ...state, conversation: [...state.conversation, toolTurn(call, outcome)], pending, next: routeAfterTool(node, pending) };
  };

  const tool = deps.tools.get(call.name);
  if (!tool || !isOffered(node, call.name)) {
    return finish({ status: 'refused', reason: `There is no tool "${call.name}" at this step. Answer without it.` });
  }
  const args = tool.input.safeParse(call.args);
  if (!args.success) {
    return finish({ status: 'error', error: `invalid arguments for ${call.name}: ${args.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ')}` });
  }

  const callArgs = args.data;
  const runDirectly = () =>
    runToolOnce(deps, { tool, args: callArgs, key: directRunKey(input.executionId, node.id, call.id), executionId: input.executionId, attempt: input.attempt });
  const finishOrAsk = async (outcome: ToolOutcome): Promise<FlowState> => {
    if (outcome.status !== 'unknown') return finish(outcome);
    return (await askWhetherToRunAgain(deps, input, state, { step: call.id, call: { ...call, args: callArgs }, outcome })) ?? finish(outcome);
  };

  const verdict = await evaluateGatePolicy(node.hitl, { kind: 'tool_call', toolCall: { ...call, args: callArgs } }, state.grants, policyContext(input));
  switch (verdict.outcome) {
    case 'pause':
      return { ...state, next: 'gate', gate: { step: call.id, action: { kind: 'tool_call', toolCall: call }, policy: gatePolicyOf(verdict) } };
    case 'deny':
      await auditStep(deps.audit, input, 'gate_denied', { toolCall: call, policyId: verdict.policyId, why: verdict.why, reason: verdict.reason }, 'system:policy');
      return finish({ status: 'refused', reason: verdict.reason });
    case 'log': {
      await auditStep(deps.audit, input, 'tool_call', { toolCall: call });
      const outcome = await runDirectly();
      if (outcome.status === 'unknown') return finishOrAsk(outcome);
      const detail = await auditableDetail(deps.payloads, input.executionId, { toolCallId: call.id, name: call.name, outcome });
      await auditStep(deps.audit, input, 'tool_result', detail, `tool:${call.name}`);
      return finish(outcome);
    }
    case 'pass': {
      if (node.hitl.mode === 'confirm_tools') {
        await auditStep(deps.audit, input, 'gate_passed', { toolCall: call, policyId: verdict.policyId, why: verdict.why }, 'system:policy');
      }
      const outcome = await runDirectly();
      await auditToolFailure(deps, input, call, outcome);
      return finishOrAsk(outcome);
    }
  }
}

/**
 * Records a tool call that failed (endpoint down, timed out, answered an error) in the audit log: the
 * agent reads the error in the conversation, and an auditor finds it in the execution's chain.
 */
export async function auditToolFailure(deps: Pick<ToolStepDeps, 'audit'>, input: FlowStepInput, call: { id: string; name: string }, outcome: ToolOutcome): Promise<void> {
  if (outcome.status !== 'error') return;
  await auditStep(deps.audit, input, 'tool_result', { toolCallId: call.id, name: call.name, outcome }, `tool:${call.name}`);
}

function isOffered(node: FlowNode, name: string): boolean {
  return node.type === 'agent' ? node.tools.includes(name) : node.tool === name;
}
