import middy from '@middy/core';
import type { FlowState } from '#core/flow-state';
import { parseOrThrow } from '#core/validation';
import { agentStep } from '#usecases/agent-step';
import { logger } from '../logger.ts';
import type { FlowDeps } from './deps.ts';
import { AgentStepPayloadSchema } from './payloads.ts';

/** The agent function, invoked by a node's `.Agent` state: one model turn, returning the next state. */
export function createAgentStepHandler(deps: Pick<FlowDeps, 'models' | 'tools' | 'audit'>) {
  return middy<unknown, FlowState>().handler(async (event) => {
    const input = parseOrThrow(AgentStepPayloadSchema, event, 'agent step payload');
    const state = await agentStep(deps, input);
    logger.info('agent step', { executionId: input.executionId, nodeId: input.node.id, next: state.next, pending: state.pending.length });
    return state;
  });
}
