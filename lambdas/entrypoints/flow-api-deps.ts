import { createDocumentClient } from '#adapters/dynamodb/client';
import { ExecutionRepository } from '#adapters/dynamodb/execution-repository';
import type { DeployedFlow, FlowCatalog } from '#usecases/flow-ports';
import { loadLambdaConfig } from '../config.ts';
import type { AppDeps } from '../handlers/deps.ts';
import type { FlowDeps } from '../handlers/flows/deps.ts';
import { loadFlowConfig } from './flow-config.ts';

/**
 * The flows deployed next to the API, from FLOW_STATE_MACHINES (CDK writes it from the compiled
 * flows): new executions start on each flow's alias.
 */
export function envFlowCatalog(deployed: NonNullable<ReturnType<typeof loadFlowConfig>['FLOW_STATE_MACHINES']>): FlowCatalog {
  return {
    get: async (flowId) => {
      const flow = Object.hasOwn(deployed, flowId) ? deployed[flowId] : undefined;
      return flow ? ({ flowId, revision: flow.revision, channel: flow.channel, stateMachineArn: flow.stateMachineArn } satisfies DeployedFlow) : undefined;
    },
  };
}

/** What the executions routes need on AWS: the approval deps, execution records and the flow catalog. */
export function flowApiDeps(app: AppDeps): Pick<FlowDeps, 'catalog' | 'executions' | 'workflows' | 'store' | 'audit' | 'clock' | 'access'> & Pick<AppDeps, 'payloads'> {
  const { TABLE_NAME } = loadLambdaConfig();
  return {
    ...app,
    catalog: envFlowCatalog(loadFlowConfig().FLOW_STATE_MACHINES ?? {}),
    executions: new ExecutionRepository(createDocumentClient(), TABLE_NAME),
  };
}
