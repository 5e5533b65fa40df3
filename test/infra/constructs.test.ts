import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { FlowSchema, type FlowInput } from '#core/flow';
import { APPROVAL_ROUTES } from '#infra/constructs/api-routes';
import { ApprovalsApi } from '#infra/constructs/approvals-api';
import { ApproverPool } from '#infra/constructs/approver-pool';
import { HitlApprovals } from '#infra/constructs/hitl-approvals';
import { HitlFlows } from '#infra/constructs/hitl-flows';
import { definitionProblems, HitlWorkflow } from '#infra/constructs/hitl-workflow';
import { PropsError } from '#infra/constructs/prop-checks';
import { FEATURE_FLAGS, handlersForTest, logicalIdOf, statementsOf } from './fixtures.ts';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PropsError) return error.problems;
    throw error;
  }
  throw new Error('expected a PropsError');
}

/** An API in a bare stack, with an inline function (no bundling, no entry files). */
function apiStack() {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'ApiTest');
  const handler = new LambdaFunction(stack, 'Handler', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('exports.handler=async()=>({})') });
  const userPool = new UserPool(stack, 'Pool');
  return { stack, handler, userPool };
}

/** An approvals system in a bare stack with a fixed account and region, without bundling. */
function approvalsStack() {
  const app = new App({ builtinCloudFormationValidation: false, context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'FlowsTest', { env: { account: '123456789012', region: 'eu-west-1' } });
  const approvals = new HitlApprovals(stack, 'Approvals', { stage: 'dev', senderEmail: 'approvals@acme.test', handlers: handlersForTest() });
  return { stack, approvals };
}

const bedrockFlow = (overrides: Partial<FlowInput> = {}) =>
  FlowSchema.parse({
    id: 'bedrock-review',
    name: 'Bedrock review',
    nodes: [
      { id: 'draft', type: 'agent', tools: ['search'], model: { provider: 'bedrock', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' }, hitl: { mode: 'disabled' } },
      { id: 'review', type: 'agent', model: { provider: 'bedrock', modelId: 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0' }, hitl: { mode: 'blocking', approvers: { groups: ['approvers'] } } },
    ],
    edges: [{ from: 'draft', to: 'review' }],
    ...overrides,
  });

describe('construct prop checks', () => {
  it('HitlApprovals reports every bad prop at once', () => {
    const stack = new Stack(new App(), 'Bad');

    const problems = problemsOf(
      () => new HitlApprovals(stack, 'Approvals', { stage: 'qa' as never, senderEmail: 'nobody', auditRetentionDays: 0 }),
    );

    expect(problems).toEqual([
      expect.stringContaining('stage must be one of dev, prod'),
      expect.stringContaining('senderEmail "nobody" is not an email address'),
      expect.stringContaining('auditRetentionDays must be a whole number'),
    ]);
  });

  it('ApprovalsApi refuses malformed, duplicate and unexplained public routes together', () => {
    const { stack, handler, userPool } = apiStack();

    const problems = problemsOf(
      () =>
        new ApprovalsApi(stack, 'Api', {
          handler,
          userPool,
          routes: [
            ...APPROVAL_ROUTES,
            { method: 'GET', path: 'approvals/{id}/' },
            { method: 'GET', path: '/history' },
            { method: 'POST', path: '/links/{token}', publicBecause: 'why' },
          ],
          corsOrigins: ['http://console.acme.test'],
        }),
    );

    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/GET approvals\/\{id\}\/: path must look like/);
    expect(problems.join('\n')).toMatch(/GET \/history is listed twice/);
    expect(problems.join('\n')).toMatch(/publicBecause must say why/);
    expect(problems.join('\n')).toMatch(/corsOrigins: "http:\/\/console.acme.test" must use https/);
  });

  it('ApprovalsApi refuses two variable names at one level of the path, which API Gateway would refuse on deploy', () => {
    const { stack, handler, userPool } = apiStack();

    const problems = problemsOf(
      () => new ApprovalsApi(stack, 'Api', { handler, userPool, routes: [{ method: 'GET', path: '/flows/{id}' }, { method: 'POST', path: '/flows/{flowId}/executions' }] }),
    );

    expect(problems).toEqual([expect.stringContaining('paths under /flows name their variable both {id} and {flowId}')]);
  });

  it('HitlFlows refuses a flow naming a tool the tool function lacks, and a flow deployed twice', () => {
    const { approvals } = approvalsStack();
    const flows = new HitlFlows(approvals, 'Flows', { approvals, flows: [bedrockFlow()] });

    const problems = problemsOf(() => flows.addFlow(bedrockFlow({ nodes: [{ id: 'a', type: 'tool', tool: 'wire_money', hitl: { mode: 'disabled' } }], edges: [] })));

    expect(problems).toEqual([expect.stringMatching(/flow bedrock-review: nodes\.0\.tool: no tool "wire_money" is registered/), 'flow bedrock-review is deployed twice']);
  });

  it('ApproverPool refuses a group in both roles and a callback on plain http', () => {
    const stack = new Stack(new App(), 'Pool');

    const problems = problemsOf(
      () => new ApproverPool(stack, 'Approvers', { approverGroups: ['ops', 'bad group'], adminGroups: ['ops'], auditorGroups: ['ops'], callbackUrls: ['http://approvals.acme.test/cb'] }),
    );

    expect(problems).toEqual([
      expect.stringContaining('"bad group" must be 1-128 characters without spaces or commas'),
      expect.stringContaining('approverGroups and adminGroups both list ops'),
      expect.stringContaining('approverGroups and auditorGroups both list ops'),
      expect.stringContaining('adminGroups and auditorGroups both list ops'),
      expect.stringContaining('must use https'),
    ]);
  });

  it('definitionProblems names missing substitutions, unused ones and gates without a timeout', () => {
    const definition = {
      StartAt: 'Branches',
      States: {
        Branches: {
          Type: 'Parallel',
          End: true,
          Branches: [
            {
              StartAt: 'Gate',
              States: {
                Gate: {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
                  Parameters: { FunctionName: '${GateFunctionArn}', Payload: { 'taskToken.$': '$$.Task.Token', agent: '${AgentFunctionArn}' } },
                  End: true,
                },
              },
            },
          ],
        },
      },
    };

    const problems = definitionProblems(definition, { GateFunctionArn: 'arn:gate', Unused: 'x' }, ['Unused']);

    expect(problems).toEqual([
      'definition uses ${AgentFunctionArn} but no substitution or function provides it',
      'substitution Unused is not used by the definition',
      'state "Gate" waits for a task token without TimeoutSeconds or TimeoutSecondsPath',
    ]);
  });
});

describe('ApprovalsApi route table', () => {
  it('opens a public route without the authorizer and records why for cdk-nag', () => {
    // Prepare
    const { stack, handler, userPool } = apiStack();
    const api = new ApprovalsApi(stack, 'Api', { handler, userPool });

    // Act
    api.addRoute({ method: 'POST', path: '/links/{token}', publicBecause: 'Email decision links carry their own HMAC signature and expire.' });

    // Assess
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'NONE',
      RequestParameters: { 'method.request.path.token': true },
    });
    template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { AuthorizationType: 'COGNITO_USER_POOLS', HttpMethod: Match.anyValue() }, APPROVAL_ROUTES.length);
    const findings = new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName);
    expect(findings.filter((rule) => rule === 'AwsSolutions-APIG4' || rule === 'AwsSolutions-COG4')).toEqual([]);
  });
});

describe('HitlFlows', () => {
  it('lets the agent function call exactly the Bedrock models its flows name', () => {
    // Prepare
    const { stack, approvals } = approvalsStack();

    // Act
    const flows = new HitlFlows(stack, 'Flows', { approvals, flows: [bedrockFlow()] });

    // Assess
    const template = Template.fromStack(stack);
    const agentRole = logicalIdOf(stack, flows.agentFunction.executionRole);
    const bedrock = statementsOf(template).filter((s) => s.actions.some((a) => a.startsWith('bedrock:')));
    expect(bedrock.flatMap((s) => s.roles)).toEqual(bedrock.map(() => agentRole));
    expect([...new Set(bedrock.flatMap((s) => s.actions))]).toEqual(['bedrock:InvokeModel']);
    expect(bedrock.flatMap((s) => s.resources).sort()).toEqual([
      // A model in this region; a cross-region inference profile in this account, and its model in any region.
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0',
      'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
      'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    ]);
    expect(new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('sends send_email From its own verified identity when toolMailFrom is not the approvals sender', () => {
    const { stack, approvals } = approvalsStack();

    const flows = new HitlFlows(stack, 'Flows', { approvals, toolMailFrom: 'agent@acme.test' });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'agent@acme.test' });
    const sends = statementsOf(template).filter((s) => s.roles.includes(logicalIdOf(stack, flows.toolFunction.executionRole)) && s.actions.includes('ses:SendRawEmail'));
    expect(sends).toHaveLength(1);
    expect(sends[0]!.condition).toEqual({ StringEquals: { 'ses:FromAddress': 'agent@acme.test' } });
    expect(JSON.stringify(sends[0]!.resources)).toContain(logicalIdOf(stack, flows.node.findChild('ToolSender')));
  });
});

describe('HitlWorkflow', () => {
  it('invokes only what its definition names, and grants no task responses to a workflow without gates', () => {
    const { stack, approvals } = approvalsStack();
    const worker = new LambdaFunction(stack, 'Worker', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('exports.handler=async()=>({})') });

    const workflow = new HitlWorkflow(stack, 'Batch', {
      approvals,
      definition: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${WorkerArn}' }, End: true } } },
      functions: { WorkerArn: worker },
    });

    const template = Template.fromStack(stack);
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    expect(machine.Properties.DefinitionSubstitutions).toEqual({ WorkerArn: { 'Fn::GetAtt': [logicalIdOf(stack, worker), 'Arn'] } });
    const invokes = statementsOf(template).filter((s) => s.roles.includes(logicalIdOf(stack, workflow.stateMachine.role)) && s.actions.includes('lambda:InvokeFunction'));
    expect(invokes.flatMap((s) => s.resources)).toEqual([{ 'Fn::GetAtt': [logicalIdOf(stack, worker), 'Arn'] }]);
    expect(workflow.waitsForTaskTokens).toBe(false);
    expect(statementsOf(template).filter((s) => s.actions.some((a) => a.startsWith('states:SendTask')))).toEqual([]);
    expect(workflow.alias).toBeUndefined();
    expect(workflow.startArn).toBe(workflow.stateMachine.stateMachineArn);
  });

  it('with aliasName, publishes a version behind the alias; it may invoke mayInvoke and have its tokens answered when a later definition may need that', () => {
    // Prepare
    const { stack, approvals } = approvalsStack();
    const worker = new LambdaFunction(stack, 'Worker', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('exports.handler=async()=>({})') });
    const later = new LambdaFunction(stack, 'Later', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('exports.handler=async()=>({})') });

    // Act
    const workflow = new HitlWorkflow(stack, 'Batch', {
      approvals,
      definition: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${WorkerArn}' }, End: true } } },
      functions: { WorkerArn: worker },
      aliasName: 'prod',
      mayInvoke: [worker, later],
      answersTaskTokens: true,
    });

    // Assess
    const template = Template.fromStack(stack);
    const machineId = logicalIdOf(stack, workflow.stateMachine);
    template.hasResourceProperties('AWS::StepFunctions::StateMachineVersion', { StateMachineArn: { Ref: machineId } });
    template.hasResourceProperties('AWS::StepFunctions::StateMachineAlias', {
      Name: 'prod',
      RoutingConfiguration: [{ StateMachineVersionArn: { 'Fn::GetAtt': [stack.getLogicalId(workflow.version!), 'Arn'] }, Weight: 100 }],
    });
    expect(stack.resolve(workflow.startArn)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(workflow.alias!), 'Arn'] });
    // Substituted: only what the definition names; invokable: that and mayInvoke, each once.
    expect(Object.keys(Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!.Properties.DefinitionSubstitutions)).toEqual(['WorkerArn']);
    const invokes = statementsOf(template).filter((s) => s.roles.includes(logicalIdOf(stack, workflow.stateMachine.role)) && s.actions.includes('lambda:InvokeFunction'));
    expect(invokes.flatMap((s) => s.resources).map((r) => JSON.stringify(r)).sort()).toEqual([worker, later].map((fn) => JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(stack, fn), 'Arn'] })).sort());
    expect(workflow.waitsForTaskTokens).toBe(false);
    const answering = statementsOf(template).filter((s) => s.actions.includes('states:SendTaskSuccess')).flatMap((s) => s.roles).sort();
    expect(answering).toEqual(approvals.decisionDeliverers.map((fn) => logicalIdOf(stack, fn.executionRole)).sort());
    const findings = new AwsSolutionsChecks().validateScope(stack).violations.filter((v) => v.violatingResources.some((r) => r.constructPath?.startsWith(workflow.node.path)));
    expect(findings.map((v) => v.ruleName)).toEqual([]);
  });

  it('refuses an alias name Step Functions would refuse', () => {
    const { stack, approvals } = approvalsStack();
    const definition = { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } };

    const problems = [...problemsOf(() => new HitlWorkflow(stack, 'Digits', { approvals, definition, aliasName: '12' })), ...problemsOf(() => new HitlWorkflow(stack, 'Spaces', { approvals, definition, aliasName: 'my alias' }))];

    expect(problems).toEqual([expect.stringContaining('aliasName "12" must be'), expect.stringContaining('aliasName "my alias" must be')]);
  });
});
