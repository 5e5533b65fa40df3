import { createFlowGateHandler } from '../handlers/flows/flow-gate.ts';
import { awsDeps } from './aws-deps.ts';

/** `${FlowGateFunctionArn}`: a flow's `.Gate` state (`.waitForTaskToken`). */
export const handler = createFlowGateHandler(awsDeps());
