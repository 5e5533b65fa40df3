import { loadLambdaConfig } from '../config.ts';
import { createApiHandler } from '../handlers/api.ts';
import { awsChannelRoutes } from '../handlers/channels/aws-wiring.ts';
import { executionRoutes } from '../handlers/flows/routes.ts';
import { awsDeps } from './aws-deps.ts';
import { flowApiDeps } from './flow-api-deps.ts';

const deps = awsDeps();
export const handler = createApiHandler(deps, [...awsChannelRoutes(deps, loadLambdaConfig()), ...executionRoutes(flowApiDeps(deps))]);
