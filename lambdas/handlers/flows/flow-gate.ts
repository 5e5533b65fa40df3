import middy from '@middy/core';
import { parseOrThrow } from '#core/validation';
import type { CreateOutcome } from '#usecases/create-approval-request';
import { pauseAtFlowGate } from '#usecases/pause-at-flow-gate';
import type { AppDeps } from '../deps.ts';
import { logger } from '../logger.ts';
import { FlowGatePayloadSchema } from './payloads.ts';

/**
 * A flow's gate function, invoked by a `.Gate` state (`.waitForTaskToken`). It stores the request
 * and returns; the execution stays paused until the decision comes back with the task token. A
 * failure (too large a state, a bad payload) fails the gate task with the error's name.
 */
export function createFlowGateHandler(deps: AppDeps) {
  return middy<unknown, CreateOutcome>().handler(async (event) => {
    const input = parseOrThrow(FlowGatePayloadSchema, event, 'flow gate payload');
    const outcome = await pauseAtFlowGate(deps, input);
    logger.info('flow gate paused', { requestId: outcome.requestId, created: outcome.created, executionId: input.executionId, nodeId: input.nodeId });
    return outcome;
  });
}
