import middy from '@middy/core';
import { ValidationError } from '#core/errors';
import { parseOrThrow } from '#core/validation';
import { expireGate } from '#usecases/expire-gate';
import { recordCaughtFailure } from '#usecases/record-execution-end';
import { logger } from '../logger.ts';
import type { FlowDeps } from './deps.ts';
import { readLargeValues, storeLargeValues } from './large-values.ts';
import { ExecutionFailurePayloadSchema, GateTimeoutPayloadSchema } from './payloads.ts';

/**
 * The gate-timeout function records what ends a wait or an execution:
 * - invoked by `.TimedOut` when a gate task hits its TimeoutSeconds, it records the request as timed
 *   out (or keeps a decision made just before) and hands the decision on;
 * - invoked by `RecordFailure` (`op: 'fail'`) when a step failed for good, it writes the error and
 *   cause to the execution record, and the execution then fails with them.
 */
export function createGateTimeoutHandler(deps: Pick<FlowDeps, 'store' | 'audit' | 'clock' | 'executions' | 'payloads'>) {
  return middy<unknown, unknown>().handler(async (event) => {
    if ((event as { op?: unknown } | null)?.op === 'fail') {
      const failure = parseOrThrow(ExecutionFailurePayloadSchema, event, 'execution failure payload');
      const end = await recordCaughtFailure(deps, failure.executionId, failure.failure);
      logger.warn('execution failed', { executionId: failure.executionId, flowId: failure.flowId, error: end.status === 'FAILED' ? end.error : undefined });
      return { recorded: failure.failure };
    }
    const read = await readLargeValues(deps.payloads, event);
    const input = parseOrThrow(GateTimeoutPayloadSchema, read.event, 'gate timeout payload');
    const gate = input.state.gate;
    if (!gate) throw new ValidationError('no gate to time out', [{ path: 'state.gate', message: 'the state holds no gate' }]);
    const decision = await expireGate(deps, { executionId: input.executionId, nodeId: input.node.id, step: gate.step });
    logger.info('gate timed out', { requestId: decision.requestId, outcome: decision.outcome, executionId: input.executionId });
    return storeLargeValues(deps.payloads, input.executionId, { ...input.state, decision }, read);
  });
}
