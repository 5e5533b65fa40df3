import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFlowMachineInput } from '#adapters/stepfunctions/new-flow-machine';
import { loadFlowDeployerConfig } from '#adapters/stepfunctions/sdk-flow-deployer';
import type { HitlStack } from '#infra/constructs/hitl-stack';
import { getAtt, logicalIdOf, roleOf, statementsOf, synthStack, type Resources } from './fixtures.ts';
import { environmentOf, resolveValue } from './template-values.ts';

const MACHINES = 'arn:aws:states:eu-west-1:123456789012:stateMachine:HitlTest-flow-*';
const EXECUTIONS = 'arn:aws:states:eu-west-1:123456789012:execution:HitlTest-flow-*:*';

describe('state machines of flows created in the flow editor (outside CloudFormation)', () => {
  let stack: HitlStack;
  let template: Template;
  let resources: Resources;
  /** The resolved resources of `fn`'s statements that allow `action`. */
  let grantsOf: (fn: { executionRole: any }, action: string) => string[];

  beforeAll(() => {
    ({ stack, template } = synthStack());
    resources = template.toJSON().Resources as Resources;
    grantsOf = (fn, action) =>
      statementsOf(template)
        .filter((s) => s.roles.includes(roleOf(stack, fn)) && s.actions.includes(action))
        .flatMap((s) => s.resources.map((r) => resolveValue(r, resources) as string))
        .sort();
  });

  it('tells the API how to create them: the stack prefix, the flows role and log group, in the shape the deployer reads', () => {
    const env = environmentOf(resources, logicalIdOf(stack, stack.approvals.apiFunction));

    const config = loadFlowDeployerConfig(env).FLOW_NEW_MACHINES;

    expect(config).toEqual({
      namePrefix: 'HitlTest',
      stateMachineArnPrefix: 'arn:aws:states:eu-west-1:123456789012:stateMachine:',
      roleArn: resolveValue(getAtt(logicalIdOf(stack, stack.flows.editorFlows.role)), resources),
      logGroupArn: resolveValue(getAtt(logicalIdOf(stack, stack.flows.editorFlows.logs)), resources),
    });
  });

  it('lets the API create, update, publish and alias only machines named <stack>-flow-*, and pass exactly the flows role to Step Functions', () => {
    const api = stack.approvals.apiFunction;

    expect(grantsOf(api, 'states:CreateStateMachine')).toEqual([MACHINES]);
    expect(grantsOf(api, 'states:UpdateStateMachine')).toContain(MACHINES);
    expect(grantsOf(api, 'states:PublishStateMachineVersion')).toContain(MACHINES);
    expect(grantsOf(api, 'states:CreateStateMachineAlias')).toEqual(expect.arrayContaining([MACHINES, `${MACHINES}:live`]));
    const passRole = statementsOf(template).filter((s) => s.actions.includes('iam:PassRole'));
    expect(passRole.map((s) => ({ roles: s.roles, resources: s.resources, condition: s.condition }))).toEqual([
      {
        roles: [roleOf(stack, api)],
        resources: [getAtt(logicalIdOf(stack, stack.flows.editorFlows.role))],
        condition: { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } },
      },
    ]);
    // Nothing here deletes or tags a machine.
    expect(statementsOf(template).flatMap((s) => s.actions).filter((a) => /^states:(Delete|TagResource)/.test(a))).toEqual([]);
  });

  it('lets the API start them and read their executions, and the API, the sweeper and the flow gate answer their task tokens', () => {
    expect(grantsOf(stack.approvals.apiFunction, 'states:StartExecution')).toEqual(expect.arrayContaining([MACHINES, `${MACHINES}:*`]));
    expect(grantsOf(stack.approvals.apiFunction, 'states:DescribeExecution')).toContain(EXECUTIONS);
    expect(grantsOf(stack.approvals.apiFunction, 'states:GetExecutionHistory')).toContain(EXECUTIONS);
    for (const fn of [stack.approvals.apiFunction, stack.approvals.sweeper.function]) {
      expect(grantsOf(fn, 'states:SendTaskSuccess')).toEqual(expect.arrayContaining([MACHINES, EXECUTIONS]));
      expect(grantsOf(fn, 'states:SendTaskFailure')).toEqual(expect.arrayContaining([MACHINES, EXECUTIONS]));
    }
    expect(grantsOf(stack.flows.gateFunction, 'states:SendTaskSuccess')).toContain(EXECUTIONS);
  });

  it('runs them as a role Step Functions assumes, which may invoke exactly the four flow functions', () => {
    const roleId = logicalIdOf(stack, stack.flows.editorFlows.role);
    const role = resources[roleId]!;
    const invokes = statementsOf(template).filter((s) => s.roles.includes(roleId) && s.actions.includes('lambda:InvokeFunction'));

    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({ Principal: { Service: 'states.amazonaws.com' } })]);
    const byId = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
    expect(invokes.flatMap((s) => s.resources).sort(byId)).toEqual(
      [stack.flows.agentFunction, stack.flows.toolFunction, stack.flows.gateFunction, stack.flows.gateTimeoutFunction].map((fn) => getAtt(logicalIdOf(stack, fn))).sort(byId),
    );
    expect(statementsOf(template).filter((s) => s.roles.includes(roleId)).flatMap((s) => s.actions).filter((a) => a.startsWith('states:') || a.startsWith('iam:'))).toEqual([]);
  });

  it('logs and traces them as CloudFormation does the flow files: level ALL without execution data, X-Ray on, a vended-logs group kept as long', () => {
    const cdkMachine = resources[logicalIdOf(stack, stack.flows.workflows.get('support-agent')!.stateMachine)]!.Properties;
    const cdkLogs = resources[logicalIdOf(stack, stack.flows.workflows.get('support-agent')!.logs)]!.Properties;
    const editorLogs = resources[logicalIdOf(stack, stack.flows.editorFlows.logs)]!.Properties;

    const input = createFlowMachineInput(loadFlowDeployerConfig(environmentOf(resources, logicalIdOf(stack, stack.approvals.apiFunction))).FLOW_NEW_MACHINES!, {
      name: 'HitlTest-flow-new',
      definition: '{}',
      versionDescription: 'r1',
    });

    expect(input.loggingConfiguration).toMatchObject({ level: cdkMachine.LoggingConfiguration.Level, includeExecutionData: cdkMachine.LoggingConfiguration.IncludeExecutionData });
    expect(input.tracingConfiguration).toEqual({ enabled: cdkMachine.TracingConfiguration.Enabled });
    expect(editorLogs.LogGroupName).toMatch(/^\/aws\/vendedlogs\/states\//);
    expect(editorLogs.RetentionInDays).toBe(cdkLogs.RetentionInDays);
  });
});
