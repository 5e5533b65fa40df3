import type { AgentNode } from '#core/flow';
import { AgentTurnLimitError } from '#core/flow-errors';
import type { FlowState } from '#core/flow-state';
import { evaluateGatePolicy } from '#core/gate-verdict';
import type { AuditLog, PayloadStore } from '#ports';
import { isToolTurn } from '../agents/agent-model.ts';
import type { AgentModels } from '../agents/models.ts';
import type { ToolSpec } from '../tools/tool.ts';
import { auditStep, gatePolicyOf, policyContext, type FlowStepInput } from './flow-step.ts';
import { auditableDetail } from './large-state.ts';

export interface AgentStepDeps {
  readonly models: AgentModels;
  readonly tools: { specs(names: readonly string[]): ToolSpec[] };
  readonly audit: AuditLog;
  /** Where a long answer's text goes when an audit entry could not hold it. */
  readonly payloads?: PayloadStore;
}

/**
 * One model turn at an agent node. Tool calls become pending (the tool step puts each through the
 * gate policy); an answer ends the node, except in blocking mode, where the answer itself waits for a
 * person first. In audit mode what the agent says is logged (its tool calls are logged by the tool step).
 */
export async function agentStep(deps: AgentStepDeps, input: FlowStepInput<AgentNode>): Promise<FlowState> {
  const { node, state } = input;
  if (state.turns >= node.maxTurns) throw new AgentTurnLimitError(node.id, node.maxTurns);
  const model = deps.models.modelFor(node.model, node.system);
  const turn = await model.next(state.conversation, deps.tools.specs(node.tools));
  const turns = state.turns + 1;

  if (isToolTurn(turn)) {
    if (node.hitl.mode === 'audit' && turn.message) {
      await auditStep(deps.audit, input, 'message', await auditableDetail(deps.payloads, input.executionId, { text: turn.message, toolCalls: turn.toolCalls.length }));
    }
    return {
      ...state,
      conversation: [...state.conversation, { role: 'assistant', content: turn.message ?? '', toolCalls: turn.toolCalls }],
      pending: turn.toolCalls,
      next: 'tool',
      turns,
    };
  }

  const text = 'message' in turn ? (turn.message ?? '') : '';
  if (node.hitl.mode === 'blocking') {
    // The answer is not part of the conversation until a person lets it through.
    const action = { kind: 'message', text } as const;
    const verdict = await evaluateGatePolicy(node.hitl, action, state.grants, policyContext(input));
    const policy = verdict.outcome === 'pause' ? gatePolicyOf(verdict) : undefined;
    return { ...state, next: 'gate', gate: { step: `message-${state.conversation.length}`, action, ...(policy ? { policy } : {}) }, turns };
  }
  if (node.hitl.mode === 'audit') await auditStep(deps.audit, input, 'message', await auditableDetail(deps.payloads, input.executionId, { text }));
  return {
    ...state,
    conversation: [...state.conversation, { role: 'assistant', content: text }],
    output: { message: text },
    next: 'done',
    turns: 0,
  };
}
