import { createDocumentClient } from '#adapters/dynamodb/client';
import { FlowRepository } from '#adapters/dynamodb/flow-repository';
import { sdkFlowDeployerFromEnv } from '#adapters/stepfunctions/sdk-flow-deployer';
import { adminGroupsFrom } from '#core/flow-revision';
import { deployedFlowCatalog } from '#usecases/deployed-flow-catalog';
import { loadLambdaConfig } from '../config.ts';
import { createApiHandler } from '../handlers/api.ts';
import { awsChannelRoutes } from '../handlers/channels/aws-wiring.ts';
import { flowEditorRoutes } from '../handlers/flows/editor-routes.ts';
import { executionRoutes } from '../handlers/flows/routes.ts';
import { DEMO_TOOL_NAMES, demoToolArgs } from '../tools/demo-tools.ts';
import { awsDeps } from './aws-deps.ts';
import { flowApiDeps } from './flow-api-deps.ts';
import { loadFlowConfig } from './flow-config.ts';

// The flows' tool schemas, so an approver's edited arguments are checked before they are stored.
const deps = { ...awsDeps(), toolArgs: demoToolArgs() };
// Flow editor: revisions in the table; deploys publish a state machine version behind the flow's
// alias, and new executions start on the deployed version (the CDK-deployed machine until then).
const machines = loadFlowConfig().FLOW_STATE_MACHINES ?? {};
const flows = new FlowRepository(createDocumentClient(), loadLambdaConfig().TABLE_NAME);
const executions = flowApiDeps(deps);
const editor = {
  ...deps,
  flows,
  deployer: sdkFlowDeployerFromEnv((flowId) => (Object.hasOwn(machines, flowId) ? machines[flowId].stateMachineArn : undefined)),
  knownTools: DEMO_TOOL_NAMES,
  adminGroups: adminGroupsFrom(process.env),
};
export const handler = createApiHandler(deps, [
  ...awsChannelRoutes(deps, loadLambdaConfig()),
  ...executionRoutes({ ...executions, catalog: deployedFlowCatalog(flows, executions.catalog) }),
  ...flowEditorRoutes(editor),
]);
