import { createDocumentClient } from '#adapters/dynamodb/client';
import { FlowRepository } from '#adapters/dynamodb/flow-repository';
import { sdkFlowDeployerFromEnv } from '#adapters/stepfunctions/sdk-flow-deployer';
import { stepFunctionsConsoleUrl } from '#core/execution-graph';
import { adminGroupsFrom } from '#core/flow-revision';
import { deployedFlowCatalog } from '#usecases/deployed-flow-catalog';
import { seededOnFirstUse } from '#usecases/seed-flows';
import { loadLambdaConfig } from '../config.ts';
import { gateRoutes, type GateRouteDeps } from '../handlers/api/gate-routes.ts';
import type { Route } from '../handlers/api/routes.ts';
import { flowEditorRoutes } from '../handlers/flows/editor-routes.ts';
import { executionRoutes } from '../handlers/flows/routes.ts';
import { toolRoutes } from '../handlers/tools/tool-routes.ts';
import { describeMcpTool } from '../tools/mcp-tool.ts';
import { mcpToolReader } from '../tools/mcp-tool-reader.ts';
import { shippedToolSpecs } from '../tools/tool-files.ts';
import type { awsDeps } from './aws-deps.ts';
import type { AwsTools } from './aws-tools.ts';
import { flowApiDeps } from './flow-api-deps.ts';
import { loadFlowConfig } from './flow-config.ts';
import { seedBundledFlows } from './flow-seeding.ts';

/** What the API entry point wired at load, which these routes share. */
export interface ApiWiring {
  readonly deps: ReturnType<typeof awsDeps>;
  readonly tools: AwsTools;
  readonly agentGates: Pick<GateRouteDeps, 'gates' | 'agentGroups' | 'webhookRule'>;
  readonly gateStore: NonNullable<GateRouteDeps['gateStore']>;
}

/**
 * The API's routes beside the decision path: flows and their executions, the flow editor, tools, and
 * gates (reading, editing, and agents asking them). The API function loads this module with the
 * first request for one of them (see `createApiHandler`), so an approver's decision does not pay at
 * cold start for the flow editor's and the tools' code.
 */
export function flowAndGateRoutes({ deps, tools, agentGates, gateStore }: ApiWiring): Route[] {
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
  const withSavedTools = (route: Route): Route => ({ ...route, handler: async (event) => (await tools.sync(), route.handler(event)) });

  return [
    ...executionRoutes({ ...executions, catalog: deployedFlowCatalog(flows, executions.catalog), history: deps.workflows, flows, consoleUrl: stepFunctionsConsoleUrl }),
    ...flowEditorRoutes(editor).map(withSavedTools),
    ...toolApi.map(withSavedTools),
    ...gateRoutes({ ...deps, ...agentGates, gateStore, adminGroups: editor.adminGroups }),
  ];
}
