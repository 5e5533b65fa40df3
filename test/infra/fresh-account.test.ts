import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#infra/config';
import { flowStateMachineName } from '#statemachines/flow-state-names';
import { statementsOf, synthStack, type Resources } from './fixtures.ts';

// What a fresh account (or a second copy of the stack in the same account) needs to deploy.

describe('API logging on a fresh account', () => {
  it('writes no API logs by default, so the stage needs no account CloudWatch role, and says so at synth', () => {
    const { stack, template } = synthStack();
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage') as Resources)[0]!;
    expect(stage.Properties.AccessLogSetting).toBeUndefined();
    expect(JSON.stringify(stage.Properties.MethodSettings)).not.toContain('LoggingLevel');
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    Annotations.fromStack(stack).hasWarning('/HitlTest/Approvals/Api', Match.stringLikeRegexp('API access and execution logs are off.*apiCloudWatchRole=create'));
  });

  it('creates the account role and logs access and errors with apiCloudWatchRole=create', () => {
    const { stack, template } = synthStack({ apiCloudWatchRole: 'create' });
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false })]),
    });
    template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
    Annotations.fromStack(stack).hasWarning('/HitlTest/Approvals/Api', Match.stringLikeRegexp('creates the API Gateway CloudWatch role'));
  });

  it('logs with the role already in the account settings with apiCloudWatchRole=existing, creating none', () => {
    const { template } = synthStack({ apiCloudWatchRole: 'existing' });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.hasResourceProperties('AWS::ApiGateway::Stage', { AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }) });
  });

  it('reads apiCloudWatchRole from context and refuses other values', () => {
    const load = (value: string) => loadConfig({ context: (key) => (key === 'apiCloudWatchRole' ? value : undefined), env: {} });
    expect(load('create').config.apiCloudWatchRole).toBe('create');
    expect(() => load('yes')).toThrow(/apiCloudWatchRole: must be create, existing or none/);
  });
});

describe('SES sender identity', () => {
  it('creates the email identity of senderEmail by default', () => {
    const { template } = synthStack();
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'approvals@acme.test' });
  });

  it.each([
    ['true', true, 'approvals@acme.test'],
    ['a domain', 'acme.test', 'acme.test'],
  ] as const)('reuses an existing identity (%s): creates none, and sends as the reused one', (_kind, reuse, identity) => {
    const { template } = synthStack({ reuseSenderIdentity: reuse });
    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    const senders = (Object.values(template.findResources('AWS::IAM::Policy')) as Resources[string][])
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
      .filter((s) => [s.Action].flat().includes('ses:SendRawEmail'));
    expect(senders.length).toBeGreaterThan(0);
    for (const s of senders) expect(JSON.stringify(s.Resource)).toContain(`:identity/${identity}`);
  });

  it('reads reuseSenderIdentity from context and refuses a domain the sender is not in', () => {
    const load = (value: string) => loadConfig({ context: (key) => (key === 'reuseSenderIdentity' ? value : key === 'senderEmail' ? 'a@acme.test' : undefined), env: {} });
    expect(load('true').config.reuseSenderIdentity).toBe(true);
    expect(load('False').config.reuseSenderIdentity).toBe(false);
    expect(load('acme.test').config.reuseSenderIdentity).toBe('acme.test');
    expect(() => synthStack({ reuseSenderIdentity: 'other.test' })).toThrow(/reuseSenderIdentity "other.test" is neither approvals@acme.test nor a domain it belongs to/);
  });
});

describe('state machine log groups', () => {
  it('names every state machine log group under /aws/vendedlogs/states/, one per state machine and stack', () => {
    const { template } = synthStack();
    const groups = template.findResources('AWS::Logs::LogGroup') as Resources;
    const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine') as Resources);
    const names = machines.map((machine) => {
      const arn = JSON.stringify(machine.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn);
      const [id] = Object.keys(groups).filter((logicalId) => arn.includes(`"${logicalId}"`));
      return groups[id!]!.Properties.LogGroupName as string;
    });
    expect(names.length).toBeGreaterThan(1);
    for (const name of names) expect(name).toMatch(/^\/aws\/vendedlogs\/states\/HitlTest-[A-Za-z0-9-]+$/);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('gate retries', () => {
  it('lets the gate function SendTaskSuccess on the state machines that invoke it, and on no other', () => {
    const { stack, template } = synthStack();
    const gateRole = stack.getLogicalId(stack.approvals.gate.executionRole.node.defaultChild as never);
    const handOver = statementsOf(template).filter((s) => s.roles.includes(gateRole) && s.actions.some((a) => a.startsWith('states:')));
    expect(handOver.flatMap((s) => s.actions)).toEqual(['states:SendTaskSuccess']);
    const name = stack.approvalGate.stateMachineName;
    expect(stack.resolve(handOver[0]!.resources).map((r: unknown) => JSON.stringify(r)).sort()).toEqual([
      expect.stringContaining(`:execution:${name}:*"`),
      expect.stringContaining(`:stateMachine:${name}"`),
    ]);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: name });
    // No flow invokes the system's gate: the flows' own gate function answers their tokens.
    for (const workflow of stack.flows.workflows.values()) expect(JSON.stringify(handOver)).not.toContain(workflow.stateMachineName);
  });
});

describe('table TTL and index projections', () => {
  it('turns TTL on without auditRetentionDays, since link nonces and tool-run records expire by it', () => {
    const { template } = synthStack({ auditRetentionDays: undefined });
    template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
  });

  it('projects no index ALL, and neither the task token nor the checkpoint into any', () => {
    const { template } = synthStack();
    const table = Object.values(template.findResources('AWS::DynamoDB::Table') as Resources)[0]!;
    const indexes = table.Properties.GlobalSecondaryIndexes as { IndexName: string; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }[];
    expect(indexes).toHaveLength(4);
    for (const index of indexes) {
      expect(index.Projection.ProjectionType, index.IndexName).not.toBe('ALL');
      expect(index.Projection.NonKeyAttributes ?? [], index.IndexName).not.toContain('taskToken');
      expect(index.Projection.NonKeyAttributes ?? [], index.IndexName).not.toContain('checkpoint');
    }
    expect(Object.fromEntries(indexes.map((index) => [index.IndexName, index.Projection.ProjectionType]))).toEqual({
      pending: 'INCLUDE', due: 'KEYS_ONLY', undelivered: 'KEYS_ONLY', timeline: 'INCLUDE',
    });
  });
});

describe('several copies of the stack in one account and region', () => {
  it('names state machines after the stack, so dev and prod stacks share no name', () => {
    const names = (stackName: string) => {
      const { template } = synthStack({}, false, stackName);
      return Object.values(template.findResources('AWS::StepFunctions::StateMachine') as Resources).map((r) => r.Properties.StateMachineName as string);
    };
    const dev = names('HitlApprovals-dev');
    const prod = names('HitlApprovals-prod');
    expect(dev.length).toBeGreaterThan(1);
    expect(dev).toContain('HitlApprovals-dev-flow-support-agent');
    for (const name of [...dev, ...prod]) expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(dev.filter((name) => prod.includes(name))).toEqual([]);
  });

  it('fits a long prefix into the 80-character limit and keeps it distinct', () => {
    const a = flowStateMachineName('f'.repeat(48), 'a-very-long-stack-name-for-team-one-in-prod');
    const b = flowStateMachineName('f'.repeat(48), 'a-very-long-stack-name-for-team-two-in-prod');
    expect(a.length).toBeLessThanOrEqual(80);
    expect(a).not.toBe(b);
    expect(flowStateMachineName('support-agent')).toBe('flow-support-agent');
  });
});
