import type { FlowStore } from './flow-editor-ports.ts';
import type { FlowCatalog } from './flow-ports.ts';

/**
 * The flows to start, as deployed from the editor: a flow whose head records a deployment starts on
 * that deployment's state machine version; any other flow as `fallback` (the machines CDK deployed)
 * says. New executions thus pick up a deploy at once, and each records the revision it started on.
 */
export function deployedFlowCatalog(flows: Pick<FlowStore, 'head'>, fallback: FlowCatalog): FlowCatalog {
  return {
    get: async (flowId) => {
      const deployed = (await flows.head(flowId))?.deployed;
      if (!deployed) return fallback.get(flowId);
      return { flowId, revision: deployed.revision, channel: deployed.channel, stateMachineArn: deployed.stateMachineArn };
    },
  };
}
