import { createDocumentClient } from '#adapters/dynamodb/client';
import { GateRepository } from '#adapters/dynamodb/gate-repository';
import { agentGroupsFrom } from '#core/agent-config';
import { once, seedGateFiles, storedGateCatalog } from '#usecases/gate-revisions';
import { loadLambdaConfig } from '../config.ts';
import { shippedGates } from '../gates/gate-files.ts';
import { createApiHandler } from '../handlers/api.ts';
import { awsChannelRoutes } from '../handlers/channels/aws-wiring.ts';
import { awsDeps } from './aws-deps.ts';
import { deciderDeps } from './decider-deps.ts';

const { tools, ...decider } = deciderDeps('API');
const deps = { ...awsDeps(), ...decider };
// Gates: the bundled gate files are stored as revisions on the first gate call an instance serves.
const gateStore = new GateRepository(createDocumentClient(), loadLambdaConfig().TABLE_NAME);
const gates = storedGateCatalog(gateStore, once(async () => seedGateFiles({ ...deps, gateStore }, await shippedGates())));
// Named gates for any agent (REST and MCP's request_approval): the bundled gate files; webhooks must be https.
const agentGates = { gates, agentGroups: agentGroupsFrom(process.env), webhookRule: 'https' } as const;

export const handler = createApiHandler({ ...deps, agentGates }, awsChannelRoutes(deps, loadLambdaConfig()), async () =>
  (await import('./api-flow-routes.ts')).flowAndGateRoutes({ deps, tools: await tools(), agentGates, gateStore }),
);
