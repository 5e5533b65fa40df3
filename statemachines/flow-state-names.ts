/** Names of the states a node compiles to; a gate's name is also its checkpoint's `stateName`. */
export function nodeStates(nodeId: string) {
  return {
    agent: `${nodeId}.Agent`,
    tool: `${nodeId}.Tool`,
    route: `${nodeId}.Route`,
    gate: `${nodeId}.Gate`,
    timedOut: `${nodeId}.TimedOut`,
    apply: `${nodeId}.Apply`,
  };
}

/** Where every flow ends. */
export const DONE_STATE = 'Done';

/**
 * The alias each flow's state machine starts new executions through (`<machine ARN>:live`): CDK
 * routes it to the version CloudFormation published, an editor deploy to the version it publishes.
 */
export const FLOW_ALIAS = 'live';

/** The state machine a flow deploys as; Step Functions names are at most 80 characters. */
export function flowStateMachineName(flowId: string): string {
  return `flow-${flowId}`;
}
