import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { routesOf, synthStack } from './fixtures.ts';

const AGENT_ROUTES = ['POST /gates/{gateId}/requests', 'GET /approvals/{id}/decision'];

describe('agents on AWS with Cognito client credentials', () => {
  it('keeps IAM on the agent routes and adds no agent client by default', () => {
    // Act
    const { template } = synthStack();

    // Assess
    const routes = routesOf(template);
    for (const route of AGENT_ROUTES) expect(routes.get(route)).toMatchObject({ AuthorizationType: 'AWS_IAM' });
    template.resourceCountIs('AWS::Cognito::UserPoolResourceServer', 0);
    expect(Object.values(template.findResources('AWS::Cognito::UserPoolClient')).some((c) => c.Properties.AllowedOAuthFlows?.includes('client_credentials'))).toBe(false);
  });

  it('with agentAuth cognito: a hitl/agents scope, a client-credentials app client, and agent routes that require that scope', () => {
    // Act
    const { stack, template } = synthStack({ agentAuth: 'cognito' });

    // Assess: the scope and the confidential client that alone may ask for it
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', { Identifier: 'hitl', Scopes: [Match.objectLike({ ScopeName: 'agents' })] });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['hitl/agents'],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    const hostedUi = template.findResources('AWS::Cognito::UserPoolClient', { Properties: { AllowedOAuthFlows: ['code'] } });
    expect(Object.values(hostedUi).flatMap((c) => c.Properties.AllowedOAuthScopes)).not.toContain('hitl/agents');
    // ...and the agent routes take its access tokens, with that scope, through the pool's authorizer
    const routes = routesOf(template);
    const authorizer = stack.getLogicalId(stack.approvals.api.authorizer.node.defaultChild as never);
    for (const route of AGENT_ROUTES) {
      expect(routes.get(route)).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizationScopes: ['hitl/agents'], AuthorizerId: { Ref: authorizer } });
    }
    // People's routes stay as they were: an ID token, no scope.
    expect(routes.get('GET /approvals')).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS' });
    expect(routes.get('GET /approvals')?.AuthorizationScopes).toBeUndefined();
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.AgentClientId).toBeDefined();
    expect(JSON.stringify(outputs.AgentTokenUrl?.Value)).toContain('/oauth2/token');
  });

  it('leaves no unacknowledged cdk-nag finding with Cognito agents and a durable function', () => {
    // Act
    const { stack } = synthStack({ agentAuth: 'cognito', durableFunctions: ['refund-agent'] });
    const report = new AwsSolutionsChecks().validateScope(stack);

    // Assess
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('refuses agentAuth cognito without a scope, naming the prop', async () => {
    // Prepare
    const { App, Stack } = await import('aws-cdk-lib');
    const { ApprovalsApi } = await import('#infra/constructs/approvals-api');
    const { UserPool } = await import('aws-cdk-lib/aws-cognito');
    const { Function: Fn, Code, Runtime } = await import('aws-cdk-lib/aws-lambda');
    const stack = new Stack(new App(), 'S');
    const handler = new Fn(stack, 'F', { code: Code.fromInline('exports.handler=1'), handler: 'index.handler', runtime: Runtime.NODEJS_22_X });

    // Act + Assess
    expect(() => new ApprovalsApi(stack, 'Api', { handler, userPool: new UserPool(stack, 'P'), agentAuth: 'cognito' })).toThrow(/agentScopes/);
  });
});
