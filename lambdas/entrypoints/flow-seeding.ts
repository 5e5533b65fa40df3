import type { Clock } from '#ports';
import { loadFlowFiles } from '#statemachines/flows';
import type { FlowStore } from '#usecases/flow-editor-ports';
import { seedCloudFormationFlows } from '#usecases/seed-flows';
import { logger } from '../handlers/logger.ts';
import { DEMO_TOOL_NAMES } from '../tools/demo-tools.ts';
import type { FlowConfig } from './flow-config.ts';

type DeployedFlows = NonNullable<FlowConfig['FLOW_STATE_MACHINES']>;

/**
 * Records the flow files bundled with the API function (CDK copies statemachines/flows/ next to the
 * bundle as `flows/`, which loadFlowFiles reads from there as it does from the repository) as the revisions `cdk deploy` put behind each
 * flow's alias (FLOW_STATE_MACHINES names the alias and the digest of what it deployed; see
 * seedCloudFormationFlows), and logs what it did and every file it left alone.
 */
export async function seedBundledFlows(deps: { readonly flows: FlowStore; readonly clock: Clock }, deployed: DeployedFlows): Promise<void> {
  const files = loadFlowFiles(DEMO_TOOL_NAMES);
  const outcomes = await seedCloudFormationFlows(deps, files, (flowId) => {
    const entry = Object.hasOwn(deployed, flowId) ? deployed[flowId] : undefined;
    return entry ? { aliasArn: entry.stateMachineArn, digest: entry.digest } : undefined;
  });
  for (const outcome of outcomes) {
    if (outcome.action === 'file_changed') {
      logger.warn('flow file changed, but an admin deployed another revision from the editor: that revision stays deployed', { ...outcome });
    } else if (outcome.action === 'file_differs') {
      logger.warn('CloudFormation deployed another definition of this flow than the file bundled with the API: not seeded', { ...outcome });
    } else if (outcome.action !== 'unchanged') {
      logger.info('flow file recorded as the revision CloudFormation deployed', { ...outcome });
    }
  }
}
