import { CreateStateMachineAliasCommand, CreateStateMachineCommand, UpdateStateMachineAliasCommand, UpdateStateMachineCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { createFlowMachineInput, newFlowMachine } from '#adapters/stepfunctions/new-flow-machine';
import { loadFlowDeployerConfig, SdkFlowDeployer, type SfnSender } from '#adapters/stepfunctions/sdk-flow-deployer';
import { compileFlow } from '#statemachines/compiler';
import { parseFlow } from '#statemachines/flows';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';

const NEW_MACHINES = {
  namePrefix: 'hitl-prod',
  stateMachineArnPrefix: 'arn:aws:states:eu-west-1:123456789012:stateMachine:',
  roleArn: 'arn:aws:iam::123456789012:role/hitl-prod-EditorFlowsRole',
  logGroupArn: 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/hitl-prod-editor-flows:*',
};
const SUBSTITUTIONS = {
  AgentFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:agent',
  ToolFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:tool',
  FlowGateFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:gate',
  GateTimeoutFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:timeout',
};
const MACHINE = `${NEW_MACHINES.stateMachineArnPrefix}hitl-prod-flow-mail-the-team`;

const flow = parseFlow(
  {
    id: 'mail-the-team',
    name: 'Mail the team',
    nodes: [{ id: 'mail', type: 'tool', tool: 'send_email', args: { to: 'team@example.com', subject: 'Hi', body: 'Hello' }, hitl: { mode: 'blocking', approvers: { groups: ['approvers'] } } }],
  },
  DEMO_TOOL_NAMES,
);
const release = { flowId: 'mail-the-team', revision: 1, channel: 'async' as const, definition: compileFlow(flow), description: 'Mail the team, revision 1' };

/** Records each SDK command and answers it from `answers` by command class (a thrown error by name). */
function recordingClient(answers: Map<Function, (input: any) => unknown>): SfnSender & { sent: { name: string; input: any }[] } {
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

const notFound = (name: string) => () => {
  throw Object.assign(new Error(name), { name });
};

describe('the state machine of a flow created in the editor', () => {
  it('is named <stack>-flow-<id> under the stack prefix the IAM policy allows', () => {
    expect(newFlowMachine(NEW_MACHINES, 'mail-the-team')).toEqual({ name: 'hitl-prod-flow-mail-the-team', arn: MACHINE });
  });

  it('refuses an id that would not fit after the prefix, naming the limit, instead of a name outside the allowed prefix', () => {
    const longPrefix = { ...NEW_MACHINES, namePrefix: 'p'.repeat(40) };

    expect(() => newFlowMachine(longPrefix, 'a'.repeat(48))).toThrow(/at most 34 characters/);
  });

  it('is created as a Standard machine with the flows role, logging without execution data and tracing, published at once', () => {
    const input = createFlowMachineInput(NEW_MACHINES, { name: 'hitl-prod-flow-mail-the-team', definition: '{"StartAt":"x"}', versionDescription: 'r1' });

    expect(input).toEqual({
      name: 'hitl-prod-flow-mail-the-team',
      type: 'STANDARD',
      definition: '{"StartAt":"x"}',
      roleArn: NEW_MACHINES.roleArn,
      loggingConfiguration: { level: 'ALL', includeExecutionData: false, destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: NEW_MACHINES.logGroupArn } }] },
      tracingConfiguration: { enabled: true },
      publish: true,
      versionDescription: 'r1',
    });
  });
});

describe('deploying a flow created in the editor on AWS (SDK deployer)', () => {
  it('creates the machine when it does not exist, publishes version 1, and creates the live alias on it', async () => {
    // Prepare
    const client = recordingClient(
      new Map<Function, (input: any) => unknown>([
        [UpdateStateMachineCommand, notFound('StateMachineDoesNotExist')],
        [CreateStateMachineCommand, () => ({ stateMachineArn: MACHINE, stateMachineVersionArn: `${MACHINE}:1` })],
        [UpdateStateMachineAliasCommand, notFound('ResourceNotFound')],
        [CreateStateMachineAliasCommand, () => ({ stateMachineAliasArn: `${MACHINE}:live` })],
      ]),
    );
    const deployer = new SdkFlowDeployer({ stateMachineArnOf: () => undefined, substitutions: SUBSTITUTIONS, newMachines: NEW_MACHINES }, client);

    // Act
    const published = await deployer.publish(release);

    // Assess
    expect(published).toEqual({ stateMachineArn: `${MACHINE}:1`, versionArn: `${MACHINE}:1`, aliasArn: `${MACHINE}:live` });
    expect(client.sent.map((command) => command.name)).toEqual(['UpdateStateMachineCommand', 'CreateStateMachineCommand', 'UpdateStateMachineAliasCommand', 'CreateStateMachineAliasCommand']);
    const created = client.sent[1]!.input;
    expect(created).toMatchObject({ name: 'hitl-prod-flow-mail-the-team', roleArn: NEW_MACHINES.roleArn, publish: true, tracingConfiguration: { enabled: true } });
    expect(created.definition).toContain(SUBSTITUTIONS.ToolFunctionArn);
    expect(created.definition).not.toContain('${');
    expect(client.sent[3]!.input).toEqual({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: `${MACHINE}:1`, weight: 100 }], description: 'revision 1' });
  });

  it('updates the machine an earlier deploy created (a later revision, or after a crash before the alias)', async () => {
    const client = recordingClient(
      new Map<Function, (input: any) => unknown>([
        [UpdateStateMachineCommand, () => ({ stateMachineVersionArn: `${MACHINE}:2` })],
        [UpdateStateMachineAliasCommand, () => ({})],
      ]),
    );
    const deployer = new SdkFlowDeployer({ stateMachineArnOf: () => undefined, substitutions: SUBSTITUTIONS, newMachines: NEW_MACHINES }, client);

    const published = await deployer.publish({ ...release, revision: 2 });

    expect(published.versionArn).toBe(`${MACHINE}:2`);
    expect(client.sent[0]).toMatchObject({ name: 'UpdateStateMachineCommand', input: { stateMachineArn: MACHINE, publish: true } });
    expect(client.sent.map((command) => command.name)).not.toContain('CreateStateMachineCommand');
  });

  it('answers 409 when another deploy created the machine first, and NeedsStackDeploy where creating machines is not configured', async () => {
    const racing = recordingClient(
      new Map<Function, (input: any) => unknown>([
        [UpdateStateMachineCommand, notFound('StateMachineDoesNotExist')],
        [CreateStateMachineCommand, notFound('StateMachineAlreadyExists')],
      ]),
    );
    const unconfigured = new SdkFlowDeployer({ stateMachineArnOf: () => undefined, substitutions: SUBSTITUTIONS }, recordingClient(new Map()));

    await expect(new SdkFlowDeployer({ stateMachineArnOf: () => undefined, substitutions: SUBSTITUTIONS, newMachines: NEW_MACHINES }, racing).publish(release)).rejects.toMatchObject({ code: 'ConcurrentUpdate' });
    await expect(unconfigured.publish(release)).rejects.toMatchObject({ code: 'NeedsStackDeploy' });
  });

  it('reads FLOW_NEW_MACHINES from the environment, naming a bad one', () => {
    expect(loadFlowDeployerConfig({ FLOW_NEW_MACHINES: JSON.stringify(NEW_MACHINES) }).FLOW_NEW_MACHINES).toEqual(NEW_MACHINES);
    expect(() => loadFlowDeployerConfig({ FLOW_NEW_MACHINES: JSON.stringify({ ...NEW_MACHINES, roleArn: 'admin' }) })).toThrow(/FLOW_NEW_MACHINES/);
  });
});
