import middy from '@middy/core';
import { parseOrThrow } from '#core/validation';
import { agentStep } from '#usecases/agent-step';
import { logger } from '../logger.ts';
import type { FlowDeps } from './deps.ts';
import { readLargeValues, storeLargeValues } from './large-values.ts';
import { AgentStepPayloadSchema } from './payloads.ts';

/**
 * The agent function, invoked by a node's `.Agent` state: one model turn, returning the next state.
 * The model reads the whole conversation (large values read back); the state returned carries the
 * largest values as references when it would not fit through Step Functions otherwise.
 */
export function createAgentStepHandler(deps: Pick<FlowDeps, 'models' | 'tools' | 'audit' | 'payloads'>) {
  return middy<unknown, unknown>().handler(async (event) => {
    const read = await readLargeValues(deps.payloads, event);
    const input = parseOrThrow(AgentStepPayloadSchema, read.event, 'agent step payload');
    const state = await agentStep(deps, input);
    logger.info('agent step', { executionId: input.executionId, nodeId: input.node.id, next: state.next, pending: state.pending.length });
    return storeLargeValues(deps.payloads, input.executionId, state, read);
  });
}
