import { createGateHandler } from '../handlers/gate.ts';
import { awsDeps } from './aws-deps.ts';

export const handler = createGateHandler(awsDeps());
