import { createDocumentClient } from '#adapters/dynamodb/client';
import { ExecutionRepository } from '#adapters/dynamodb/execution-repository';
import { loadLambdaConfig } from '../config.ts';
import { createGateTimeoutHandler } from '../handlers/flows/gate-timeout.ts';
import { awsDeps } from './aws-deps.ts';

const app = awsDeps();

/** `${GateTimeoutFunctionArn}`: a gate's `.TimedOut` state, and every flow's `RecordFailure` state. */
export const handler = createGateTimeoutHandler({
  store: app.store,
  audit: app.audit,
  clock: app.clock,
  executions: new ExecutionRepository(createDocumentClient(), loadLambdaConfig().TABLE_NAME),
  payloads: app.payloads,
});
