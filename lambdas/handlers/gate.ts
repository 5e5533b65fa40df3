import middy from '@middy/core';
import { GateInputSchema } from '#core/gate-input';
import { parseWithPolicyChecks } from '#core/policy-checks';
import { parseOrThrow } from '#core/validation';
import { createApprovalRequest, type CreateOutcome } from '#usecases/create-approval-request';
import type { AppDeps } from './deps.ts';
import { logger } from './logger.ts';

/**
 * The gate Lambda, invoked by a `.waitForTaskToken` task. It stores the request and returns; the
 * workflow stays paused until a decision is delivered with the task token. A payload that fails its
 * schema fails the task with ValidationError, which the state machine sees (the token is not logged).
 * Any state machine may call it, so its settings' CEL rules and tool globs are checked in full.
 */
export function createGateHandler(deps: AppDeps) {
  return middy<unknown, CreateOutcome>().handler(async (event) => {
    const input = await parseWithPolicyChecks(() => parseOrThrow(GateInputSchema, event, 'gate payload'));
    const outcome = await createApprovalRequest(deps, input);
    logger.info('gate paused', { requestId: outcome.requestId, created: outcome.created, executionId: input.executionId, nodeId: input.nodeId });
    return outcome;
  });
}
