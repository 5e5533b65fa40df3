import {
  CreateStateMachineAliasCommand,
  ResourceNotFound,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { httpStatusOf } from '#core/errors';
import { FlowDeployNotConfiguredError, loadFlowDeployerConfig, SdkFlowDeployer, sdkFlowDeployerFromEnv, type SfnSender } from '#adapters/stepfunctions/sdk-flow-deployer';
import { parseFlow } from '#statemachines/flows';
import { compileFlow } from '#statemachines/compiler';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';
import { shippedFlows } from '../support/flows.ts';

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:flow-support-agent';
const SUBSTITUTIONS = {
  AgentFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:agent',
  ToolFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:tool',
  FlowGateFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:gate',
  GateTimeoutFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:timeout',
};

/** An SFN client stand-in: records each command and answers from `answers` by command class. */
function stubClient(answers: Map<Function, (input: any) => unknown>): SfnSender & { sent: { name: string; input: any }[] } {
  const sent: { name: string; input: any }[] = [];
  return {
    sent,
    async send(command: object) {
      const input = (command as { input: unknown }).input;
      sent.push({ name: command.constructor.name, input });
      const answer = answers.get(command.constructor);
      if (!answer) throw new Error(`unexpected ${command.constructor.name}`);
      return answer(input);
    },
  };
}

const flow = parseFlow(shippedFlows().find((f) => f.id === 'support-agent')!, DEMO_TOOL_NAMES);
const release = { flowId: 'support-agent', revision: 3, channel: 'async' as const, definition: compileFlow({ ...flow, revision: 3 }), description: 'Support agent, revision 3' };

describe('publishing flows on AWS (SDK deployer)', () => {
  it('publishes a new version with UpdateStateMachine and routes 100% of the alias to it', async () => {
    // Prepare
    const client = stubClient(
      new Map<Function, (input: any) => unknown>([
        [UpdateStateMachineCommand, () => ({ stateMachineVersionArn: `${MACHINE}:7`, updateDate: new Date() })],
        [UpdateStateMachineAliasCommand, () => ({ updateDate: new Date() })],
      ]),
    );
    const deployer = new SdkFlowDeployer({ stateMachineArnOf: () => MACHINE, substitutions: SUBSTITUTIONS }, client);

    // Act
    const published = await deployer.publish(release);

    // Assess
    expect(published).toEqual({ stateMachineArn: `${MACHINE}:7`, versionArn: `${MACHINE}:7`, aliasArn: `${MACHINE}:live` });
    expect(client.sent.map((c) => c.name)).toEqual(['UpdateStateMachineCommand', 'UpdateStateMachineAliasCommand']);
    const update = client.sent[0].input;
    expect(update).toMatchObject({ stateMachineArn: MACHINE, publish: true, versionDescription: 'Support agent, revision 3' });
    const definition = JSON.parse(update.definition);
    expect(definition.States['agent.Gate'].Parameters.FunctionName).toBe(SUBSTITUTIONS.FlowGateFunctionArn);
    expect(update.definition).not.toContain('${');
    expect(client.sent[1].input).toEqual({
      stateMachineAliasArn: `${MACHINE}:live`,
      routingConfiguration: [{ stateMachineVersionArn: `${MACHINE}:7`, weight: 100 }],
      description: 'revision 3',
    });
  });

  it('updates the state machine itself when it knows the flow by its alias ARN', async () => {
    const client = stubClient(
      new Map<Function, (input: any) => unknown>([
        [UpdateStateMachineCommand, () => ({ stateMachineVersionArn: `${MACHINE}:8` })],
        [UpdateStateMachineAliasCommand, () => ({})],
      ]),
    );
    const deployer = new SdkFlowDeployer({ stateMachineArnOf: () => `${MACHINE}:live`, substitutions: SUBSTITUTIONS }, client);

    const published = await deployer.publish(release);

    expect(client.sent[0].input.stateMachineArn).toBe(MACHINE);
    expect(client.sent[1].input.stateMachineAliasArn).toBe(`${MACHINE}:live`);
    expect(published).toEqual({ stateMachineArn: `${MACHINE}:8`, versionArn: `${MACHINE}:8`, aliasArn: `${MACHINE}:live` });
  });

  it('creates the alias on the first deploy', async () => {
    const client = stubClient(
      new Map<Function, (input: any) => unknown>([
        [UpdateStateMachineCommand, () => ({ stateMachineVersionArn: `${MACHINE}:1` })],
        [UpdateStateMachineAliasCommand, () => { throw new ResourceNotFound({ message: 'no alias', $metadata: {} }); }],
        [CreateStateMachineAliasCommand, () => ({ stateMachineAliasArn: `${MACHINE}:prod` })],
      ]),
    );
    const deployer = new SdkFlowDeployer({ stateMachineArnOf: () => MACHINE, substitutions: SUBSTITUTIONS, aliasName: 'prod' }, client);

    const published = await deployer.publish(release);

    expect(published.aliasArn).toBe(`${MACHINE}:prod`);
    expect(client.sent.at(-1)).toEqual({
      name: 'CreateStateMachineAliasCommand',
      input: { name: 'prod', routingConfiguration: [{ stateMachineVersionArn: `${MACHINE}:1`, weight: 100 }], description: 'revision 3' },
    });
  });

  it('passes other alias errors on, having published nothing it reports', async () => {
    const client = stubClient(
      new Map<Function, (input: any) => unknown>([
        [UpdateStateMachineCommand, () => ({ stateMachineVersionArn: `${MACHINE}:2` })],
        [UpdateStateMachineAliasCommand, () => { throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' }); }],
      ]),
    );
    const deployer = new SdkFlowDeployer({ stateMachineArnOf: () => MACHINE, substitutions: SUBSTITUTIONS }, client);

    await expect(deployer.publish(release)).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('validates with Step Functions and reports its errors with their location', async () => {
    const client = stubClient(
      new Map<Function, (input: any) => unknown>([
        [
          ValidateStateMachineDefinitionCommand,
          (input) =>
            input.definition.includes('agent.Gate')
              ? { result: 'FAIL', diagnostics: [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'bad field', location: '/States/agent.Gate' }, { severity: 'WARNING', code: 'W', message: 'meh' }] }
              : { result: 'OK', diagnostics: [] },
        ],
      ]),
    );
    const deployer = new SdkFlowDeployer({ stateMachineArnOf: () => MACHINE, substitutions: SUBSTITUTIONS }, client);

    const problems = await deployer.validate(release.definition);
    const none = await deployer.validate({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });

    expect(problems).toEqual([{ path: '/States/agent.Gate', message: 'SCHEMA_VALIDATION_FAILED: bad field' }]);
    expect(none).toEqual([]);
    expect(client.sent[0].input).toMatchObject({ type: 'STANDARD', severity: 'ERROR' });
  });

  it('refuses to publish a flow it has no state machine for (409, naming the file to add and cdk deploy), or without the function ARNs', async () => {
    const client = stubClient(new Map());

    const unknown = new SdkFlowDeployer({ stateMachineArnOf: () => undefined, substitutions: SUBSTITUTIONS }, client).publish(release);
    await expect(unknown).rejects.toMatchObject({ code: 'NeedsStackDeploy', message: expect.stringMatching(new RegExp(`statemachines/flows/${release.flowId}\\.json.*cdk deploy`)) });
    expect(httpStatusOf(await unknown.catch((error: unknown) => error))).toBe(409);
    await expect(new SdkFlowDeployer({ stateMachineArnOf: () => MACHINE }, client).publish(release)).rejects.toBeInstanceOf(FlowDeployNotConfiguredError);
    expect(client.sent).toEqual([]);
  });

  it('reads its settings from the environment, naming a bad one', () => {
    const env = { FLOW_FUNCTION_ARNS: JSON.stringify(SUBSTITUTIONS), FLOW_ALIAS_NAME: 'prod' };

    expect(sdkFlowDeployerFromEnv(() => MACHINE, env)).toBeInstanceOf(SdkFlowDeployer);
    expect(sdkFlowDeployerFromEnv(() => MACHINE, {})).toBeInstanceOf(SdkFlowDeployer);
    expect(() => sdkFlowDeployerFromEnv(() => MACHINE, { FLOW_FUNCTION_ARNS: '{"AgentFunctionArn":"x"}' })).toThrow(/FLOW_FUNCTION_ARNS/);
    expect(loadFlowDeployerConfig(env)).toEqual({ FLOW_FUNCTION_ARNS: SUBSTITUTIONS, FLOW_ALIAS_NAME: 'prod' });
    expect(loadFlowDeployerConfig({})).toEqual({ FLOW_ALIAS_NAME: 'live' });
  });
});
