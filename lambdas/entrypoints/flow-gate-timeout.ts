import { createGateTimeoutHandler } from '../handlers/flows/gate-timeout.ts';
import { awsDeps } from './aws-deps.ts';

/** `${GateTimeoutFunctionArn}`: a gate's `.TimedOut` state, after its Step Functions timeout. */
export const handler = createGateTimeoutHandler(awsDeps());
