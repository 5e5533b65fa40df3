import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { APPROVAL_ROUTES } from '#infra/constructs/api-routes';
import { ApprovalsApi } from '#infra/constructs/approvals-api';
import { ApproverPool } from '#infra/constructs/approver-pool';
import { HitlApprovals } from '#infra/constructs/hitl-approvals';
import { definitionProblems } from '#infra/constructs/hitl-workflow';
import { PropsError } from '#infra/constructs/prop-checks';

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

  it('ApproverPool refuses a group in both roles and a callback on plain http', () => {
    const stack = new Stack(new App(), 'Pool');

    const problems = problemsOf(
      () => new ApproverPool(stack, 'Approvers', { approverGroups: ['ops', 'bad group'], adminGroups: ['ops'], callbackUrls: ['http://approvals.acme.test/cb'] }),
    );

    expect(problems).toEqual([
      expect.stringContaining('"bad group" must be 1-128 characters without spaces or commas'),
      expect.stringContaining('approverGroups and adminGroups both list ops'),
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
