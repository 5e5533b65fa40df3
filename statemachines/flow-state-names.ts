import { createHash } from 'node:crypto';

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

/** Step Functions names are at most 80 characters. */
export const MAX_STATE_MACHINE_NAME = 80;

/**
 * The state machine a flow deploys as: `flow-<id>`, after `prefix` when given (on AWS, the stack's
 * name, so that two stacks such as `dev` and `prod` share an account and region). A prefix too long
 * for the 80-character limit is cut and ends in a hash of the whole prefix, so names stay distinct.
 */
export function flowStateMachineName(flowId: string, prefix?: string): string {
  const base = `flow-${flowId}`;
  if (!prefix) return base;
  const room = MAX_STATE_MACHINE_NAME - base.length - 1;
  const fitted = prefix.length <= room ? prefix : `${prefix.slice(0, Math.max(0, room - 9))}-${createHash('sha256').update(prefix).digest('hex').slice(0, 8)}`;
  return `${fitted}-${base}`;
}
