import { createApiHandler } from '../handlers/api.ts';
import { awsDeps } from './aws-deps.ts';

export const handler = createApiHandler(awsDeps());
