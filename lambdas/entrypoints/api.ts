import { CognitoDirectory } from '#adapters/directory/cognito-directory';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DelegationRepository } from '#adapters/dynamodb/delegation-repository';
import { GateRepository } from '#adapters/dynamodb/gate-repository';
import { agentGroupsFrom } from '#core/agent-config';
import { once, seedGateFiles, storedGateCatalog } from '#usecases/gate-revisions';
import { loadLambdaConfig } from '../config.ts';
import { shippedGates } from '../gates/gate-files.ts';
import { createApiHandler } from '../handlers/api.ts';
import { awsChannelRoutes } from '../handlers/channels/aws-wiring.ts';
import { onFirstUse } from '#adapters/aws/on-first-use';
import { savedToolArgs } from '../tools/saved-tools.ts';
import { awsDeps } from './aws-deps.ts';
import type { AwsTools } from './aws-tools.ts';

// The API describes and checks tools but never runs them. Their registry, and the tools' code, load
// when first needed (an approver's edited arguments, a tool or flow route), not at every cold start.
const tools = onFirstUse(
  async (): Promise<AwsTools> =>
    (await import('./aws-tools.ts')).awsTools({
      send: async () => {
        throw new Error('the API function does not send tool mail; the tool function does');
      },
    }),
);
// The flows' tool schemas, so an approver's edited arguments are checked before they are stored.
// Delegations need the user pool: a delegate must be a known user, and a delegator's groups come from it.
const userPoolId = loadLambdaConfig().USER_POOL_ID;
const deps = {
  ...awsDeps(),
  toolArgs: savedToolArgs(tools),
  ...(userPoolId ? { delegations: new DelegationRepository(createDocumentClient(), loadLambdaConfig().TABLE_NAME), directory: new CognitoDirectory(userPoolId) } : {}),
};
// Gates: the bundled gate files are stored as revisions on the first gate call an instance serves.
const gateStore = new GateRepository(createDocumentClient(), loadLambdaConfig().TABLE_NAME);
const gates = storedGateCatalog(gateStore, once(async () => seedGateFiles({ ...deps, gateStore }, await shippedGates())));
// Named gates for any agent (REST and MCP's request_approval): the bundled gate files; webhooks must be https.
const agentGates = { gates, agentGroups: agentGroupsFrom(process.env), webhookRule: 'https' } as const;

export const handler = createApiHandler({ ...deps, agentGates }, awsChannelRoutes(deps, loadLambdaConfig()), async () =>
  (await import('./api-flow-routes.ts')).flowAndGateRoutes({ deps, tools: await tools(), agentGates, gateStore }),
);
