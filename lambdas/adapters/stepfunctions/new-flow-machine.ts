import type { CreateStateMachineCommandInput } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { ValidationError } from '#core/errors';
import { flowStateMachineName } from '#statemachines/flow-state-names';

/**
 * How the API creates the state machine of a flow made in the editor (`FLOW_NEW_MACHINES`, set by
 * CDK): the same role-per-system, logging and tracing settings as the flows CloudFormation deploys.
 */
export const NewFlowMachinesSchema = z
  .object({
    /** The stack's prefix: machines are named `<namePrefix>-flow-<id>`, which the API's IAM policy is scoped to. */
    namePrefix: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/),
    /** `arn:<partition>:states:<region>:<account>:stateMachine:` */
    stateMachineArnPrefix: z.string().regex(/^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:$/),
    /** The role the flows created in the editor run as (it may invoke the four flow functions). */
    roleArn: z.string().regex(/^arn:[a-z-]+:iam:[^:]*:\d{12}:role\/.+$/, 'must be an IAM role ARN'),
    /** Their log group (`arn:...:log-group:<name>:*`). */
    logGroupArn: z.string().regex(/^arn:[a-z-]+:logs:[a-z0-9-]+:\d{12}:.+$/, 'must be a CloudWatch Logs log group ARN'),
  })
  .strict();
export type NewFlowMachines = z.infer<typeof NewFlowMachinesSchema>;

/**
 * The name and ARN of the state machine of a flow created in the editor. The name must start with
 * `<namePrefix>-flow-` (the IAM policy allows exactly those), so an id too long to fit after the
 * prefix in Step Functions' 80 characters is refused, naming the limit.
 */
export function newFlowMachine(config: NewFlowMachines, flowId: string): { name: string; arn: string } {
  const name = flowStateMachineName(flowId, config.namePrefix);
  const expected = `${config.namePrefix}-flow-${flowId}`;
  if (name !== expected) {
    const room = 80 - `${config.namePrefix}-flow-`.length;
    throw new ValidationError(`flow id ${flowId} is too long to deploy in this stack: its state machine name would exceed 80 characters (at most ${room} characters here)`, [
      { path: 'flowId', message: `at most ${room} characters in this stack` },
    ]);
  }
  return { name, arn: `${config.stateMachineArnPrefix}${name}` };
}

/**
 * CreateStateMachine for a flow created in the editor: a Standard machine with the flows' role,
 * logging (ALL, without execution data: conversations may hold personal data) and X-Ray tracing, as
 * CDK makes them; `publish` makes the definition version 1 at once.
 */
export function createFlowMachineInput(config: NewFlowMachines, input: { name: string; definition: string; versionDescription: string }): CreateStateMachineCommandInput {
  return {
    name: input.name,
    type: 'STANDARD',
    definition: input.definition,
    roleArn: config.roleArn,
    loggingConfiguration: { level: 'ALL', includeExecutionData: false, destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: config.logGroupArn } }] },
    tracingConfiguration: { enabled: true },
    publish: true,
    versionDescription: input.versionDescription.slice(0, 256),
  };
}
