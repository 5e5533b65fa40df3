import { CognitoDirectory } from '#adapters/directory/cognito-directory';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DelegationRepository } from '#adapters/dynamodb/delegation-repository';
import { FlowRepository } from '#adapters/dynamodb/flow-repository';
import { sdkFlowDeployerFromEnv } from '#adapters/stepfunctions/sdk-flow-deployer';
import { stepFunctionsConsoleUrl } from '#core/execution-graph';
import { agentGroupsFrom } from '#core/agent-config';
import { adminGroupsFrom } from '#core/flow-revision';
import { deployedFlowCatalog } from '#usecases/deployed-flow-catalog';
import { seededOnFirstUse } from '#usecases/seed-flows';
import { loadLambdaConfig } from '../config.ts';
import { createApiHandler } from '../handlers/api.ts';
import { gateRoutes } from '../handlers/api/gate-routes.ts';
import { awsChannelRoutes } from '../handlers/channels/aws-wiring.ts';
import { GateRepository } from '#adapters/dynamodb/gate-repository';
import { once, seedGateFiles, storedGateCatalog } from '#usecases/gate-revisions';
import { shippedGates } from '../gates/gate-files.ts';
import { flowEditorRoutes } from '../handlers/flows/editor-routes.ts';
import { executionRoutes } from '../handlers/flows/routes.ts';
import { toolRoutes } from '../handlers/tools/tool-routes.ts';
import type { Route } from '../handlers/api/routes.ts';
import { describeMcpTool } from '../tools/mcp-tool.ts';
import { mcpToolReader } from '../tools/mcp-tool-reader.ts';
import { toolArgsValidator } from '../tools/registry.ts';
import { shippedToolSpecs } from '../tools/tool-files.ts';
import { awsDeps } from './aws-deps.ts';
import { awsTools } from './aws-tools.ts';
import { flowApiDeps } from './flow-api-deps.ts';
import { loadFlowConfig } from './flow-config.ts';
import { seedBundledFlows } from './flow-seeding.ts';

// The API describes and checks tools but never runs them.
const tools = awsTools({
  send: async () => {
    throw new Error('the API function does not send tool mail; the tool function does');
  },
});
// The flows' tool schemas, so an approver's edited arguments are checked before they are stored.
// Delegations need the user pool: a delegate must be a known user, and a delegator's groups come from it.
const userPoolId = loadLambdaConfig().USER_POOL_ID;
const deps = {
  ...awsDeps(),
  toolArgs: toolArgsValidator((name) => tools.registry.get(name)?.input),
  ...(userPoolId ? { delegations: new DelegationRepository(createDocumentClient(), loadLambdaConfig().TABLE_NAME), directory: new CognitoDirectory(userPoolId) } : {}),
};
// Flow editor: revisions in the table, where the first flow route an instance serves records the
// bundled flow files as what `cdk deploy` put behind each flow's alias; deploys publish a state
// machine version behind the alias, and new executions start on the deployed version (on the alias
// while CloudFormation's revision is deployed).
const machines = loadFlowConfig().FLOW_STATE_MACHINES ?? {};
const repository = new FlowRepository(createDocumentClient(), loadLambdaConfig().TABLE_NAME);
const flows = seededOnFirstUse(repository, () => seedBundledFlows({ flows: repository, clock: deps.clock }, machines));
const executions = flowApiDeps(deps);
const shippedSpecs = shippedToolSpecs();
const editor = {
  ...deps,
  flows,
  // An MCP tool's listing is read when a flow naming it is saved, and again when it is deployed.
  mcpTools: mcpToolReader({ specOf: async (name) => (await tools.store.get(name))?.spec ?? shippedSpecs.find((spec) => spec.name === name) }),
  deployer: sdkFlowDeployerFromEnv((flowId) => (Object.hasOwn(machines, flowId) ? machines[flowId].stateMachineArn : undefined)),
  // The registry's live list of names: the tools admins saved are registered before each route below runs.
  knownTools: tools.registry.names,
  adminGroups: adminGroupsFrom(process.env),
};
// Gates: the bundled gate files are stored as revisions on the first gate call an instance serves.
const gateStore = new GateRepository(createDocumentClient(), loadLambdaConfig().TABLE_NAME);
const gates = storedGateCatalog(gateStore, once(() => seedGateFiles({ ...deps, gateStore }, shippedGates())));
const toolApi = toolRoutes({
  toolStore: tools.store,
  registry: tools.registry,
  build: tools.build,
  describeMcp: describeMcpTool,
  shipped: shippedSpecs.map((spec) => spec.name),
  shippedSpecs,
  audit: deps.audit,
  clock: deps.clock,
  adminGroups: editor.adminGroups,
});

/** The route, run after the tools admins saved are registered (flows and decisions name them). */
function withSavedTools(route: Route): Route {
  return { ...route, handler: async (event) => (await tools.sync(), route.handler(event)) };
}

// Named gates for any agent (REST and MCP's request_approval): the bundled gate files; webhooks must be https.
const agentGates = { gates, agentGroups: agentGroupsFrom(process.env), webhookRule: 'https' } as const;

export const handler = createApiHandler({ ...deps, agentGates }, [
  ...awsChannelRoutes(deps, loadLambdaConfig()),
  ...executionRoutes({ ...executions, catalog: deployedFlowCatalog(flows, executions.catalog), history: deps.workflows, flows, consoleUrl: stepFunctionsConsoleUrl }),
  ...flowEditorRoutes(editor).map(withSavedTools),
  ...toolApi.map(withSavedTools),
  ...gateRoutes({ ...deps, ...agentGates, gateStore, adminGroups: editor.adminGroups }),
]);
