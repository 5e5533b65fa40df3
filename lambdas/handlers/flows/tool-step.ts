import middy from '@middy/core';
import { parseOrThrow } from '#core/validation';
import { applyDecision } from '#usecases/apply-decision';
import { toolStep } from '#usecases/tool-step';
import { logger } from '../logger.ts';
import type { FlowDeps } from './deps.ts';
import { readLargeValues, storeLargeValues } from './large-values.ts';
import { ToolFunctionPayloadSchema } from './payloads.ts';

/**
 * The tool function, invoked by `.Tool` (put the next tool call through the policy, run it if it may)
 * and by `.Apply` (carry out the gate's decision). Both run tools, so they share one function and
 * one set of permissions. Tools get their arguments whole (large values read back); the state returned
 * carries the largest values as references when it would not fit through Step Functions otherwise.
 */
export function createToolStepHandler(deps: Pick<FlowDeps, 'tools' | 'toolRuns' | 'audit' | 'clock' | 'store' | 'payloads'>) {
  return middy<unknown, unknown>().handler(async (event, context) => {
    const read = await readLargeValues(deps.payloads, event);
    const parsed = parseOrThrow(ToolFunctionPayloadSchema, read.event, 'tool step payload');
    // The Lambda request id names the attempt a tool run records (a fresh id is made where there is none).
    const input = context?.awsRequestId ? { ...parsed, attempt: context.awsRequestId } : parsed;
    const state = input.op === 'tool' ? await toolStep(deps, input) : await applyDecision(deps, input);
    logger.info(`tool ${input.op}`, { executionId: input.executionId, nodeId: input.node.id, next: state.next });
    return storeLargeValues(deps.payloads, input.executionId, state, read);
  });
}
