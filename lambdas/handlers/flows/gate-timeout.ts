import middy from '@middy/core';
import type { FlowState } from '#core/flow-state';
import { ValidationError } from '#core/errors';
import { parseOrThrow } from '#core/validation';
import { expireGate } from '#usecases/expire-gate';
import type { AppDeps } from '../deps.ts';
import { logger } from '../logger.ts';
import { GateTimeoutPayloadSchema } from './payloads.ts';

/**
 * The gate-timeout function, invoked by `.TimedOut` when a gate task hits its TimeoutSeconds. It
 * records the request as timed out (or keeps a decision made just before) and hands the decision on.
 */
export function createGateTimeoutHandler(deps: Pick<AppDeps, 'store' | 'audit' | 'clock' | 'stats'>) {
  return middy<unknown, FlowState>().handler(async (event) => {
    const input = parseOrThrow(GateTimeoutPayloadSchema, event, 'gate timeout payload');
    const gate = input.state.gate;
    if (!gate) throw new ValidationError('no gate to time out', [{ path: 'state.gate', message: 'the state holds no gate' }]);
    const decision = await expireGate(deps, { executionId: input.executionId, nodeId: input.node.id, step: gate.step });
    logger.info('gate timed out', { requestId: decision.requestId, outcome: decision.outcome, executionId: input.executionId });
    return { ...input.state, decision };
  });
}
