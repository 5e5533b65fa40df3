import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentConfig } from '#infra/config';
import { REPO_HANDLERS, REPO_ROOT, type HandlerSource } from '#infra/constructs/hitl-function';
import { APPROVAL_GATE_ASL, HitlStack } from '#infra/constructs/hitl-stack';

// ---- fixtures ---------------------------------------------------------------------------------

const FEATURE_FLAGS = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

/** Same shape as statemachines/approval-gate.asl.json, used only while that file does not exist. */
const FALLBACK_GATE_DEFINITION = {
  StartAt: 'WaitForApproval',
  States: {
    WaitForApproval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: '${GateFunctionArn}', Payload: { 'taskToken.$': '$$.Task.Token', 'input.$': '$' } },
      TimeoutSecondsPath: '$.gateTimeoutSeconds',
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'TimedOut' }],
      End: true,
    },
    TimedOut: { Type: 'Succeed' },
  },
};

/** The real handlers when they exist; otherwise stubs in a temp project (synth only checks they exist). */
function handlersForTest(): HandlerSource {
  const names = ['gate', 'api', 'sweeper', 'notifier'];
  if (names.every((name) => existsSync(join(REPO_HANDLERS.entrypointsDir, `${name}.ts`)))) return REPO_HANDLERS;
  const projectRoot = mkdtempSync(join(tmpdir(), 'hitl-infra-'));
  const entrypointsDir = join(projectRoot, 'entrypoints');
  mkdirSync(entrypointsDir);
  writeFileSync(join(projectRoot, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
  for (const name of names) writeFileSync(join(entrypointsDir, `${name}.ts`), 'export const handler = async () => ({});\n');
  return { entrypointsDir, projectRoot };
}

const BASE_CONFIG: DeploymentConfig = {
  stage: 'dev',
  senderEmail: 'approvals@acme.test',
  approverGroups: ['approvers'],
  adminGroups: ['admins'],
  callbackUrls: ['http://localhost:8080/callback'],
};

/**
 * Synthesizes the repository's stack without bundling and without CloudFormation's built-in
 * template checks (fast); each of those has its own test.
 */
function synthStack(config: Partial<DeploymentConfig> = {}, builtinCloudFormationValidation = false): { stack: HitlStack; template: Template } {
  const app = new App({ builtinCloudFormationValidation, context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  const stack = new HitlStack(app, 'HitlTest', {
    config: { ...BASE_CONFIG, ...config },
    approvalGateDefinition: existsSync(APPROVAL_GATE_ASL) ? undefined : FALLBACK_GATE_DEFINITION,
    handlers: handlersForTest(),
  });
  return { stack, template: Template.fromStack(stack) };
}

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;

function logicalIdOf(stack: HitlStack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

/** `GET /approvals/{id}`-style keys for every method, rebuilt from the Resource tree. */
function routesOf(template: Template): Map<string, Record<string, any>> {
  const resources = template.findResources('AWS::ApiGateway::Resource') as Resources;
  const pathOf = (ref: any): string => (ref?.Ref ? `${pathOf(resources[ref.Ref]!.Properties.ParentId)}/${resources[ref.Ref]!.Properties.PathPart}` : '');
  const methods = template.findResources('AWS::ApiGateway::Method') as Resources;
  return new Map(Object.values(methods).map((m) => [`${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId) || '/'}`, m.Properties]));
}

/** Every Allow statement of every IAM policy, with the policy's logical id. */
function statementsOf(template: Template): { policy: string; roles: string[]; actions: string[]; resources: unknown[]; condition?: unknown }[] {
  const policies = template.findResources('AWS::IAM::Policy') as Resources;
  return Object.entries(policies).flatMap(([policy, p]) =>
    (p.Properties.PolicyDocument.Statement as any[]).map((s) => ({
      policy,
      roles: (p.Properties.Roles as any[]).map((r) => r.Ref as string),
      actions: [s.Action].flat(),
      resources: [s.Resource].flat(),
      condition: s.Condition,
    })),
  );
}

function roleOf(stack: HitlStack, fn: { executionRole: IConstruct }): string {
  return logicalIdOf(stack, fn.executionRole);
}

const getAtt = (id: string, attr = 'Arn') => ({ 'Fn::GetAtt': [id, attr] });

// ---- specification ----------------------------------------------------------------------------

describe('HitlApprovals in the repository stack (dev)', () => {
  let stack: HitlStack;
  let template: Template;
  let tableId: string;

  beforeAll(() => {
    ({ stack, template } = synthStack());
    tableId = logicalIdOf(stack, stack.approvals.table.table);
  });

  describe('table', () => {
    it('has pk/sk keys, on-demand billing and point-in-time recovery', () => {
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    });

    it('declares the four GSIs the store queries, each projecting ALL', () => {
      const gsi = (name: string, n: number) => ({
        IndexName: name,
        KeySchema: [
          { AttributeName: `gsi${n}pk`, KeyType: 'HASH' },
          { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      });
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: Match.arrayEquals([gsi('pending', 1), gsi('due', 2), gsi('undelivered', 3), gsi('timeline', 4)]),
      });
    });

    it('has no TTL when no audit retention is configured, and is removed with the dev stack', () => {
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({ TimeToLiveSpecification: Match.absent(), DeletionProtectionEnabled: false }),
      });
    });
  });

  describe('API', () => {
    it('exposes the approval routes behind the Cognito authorizer', () => {
      const routes = routesOf(template);
      const authorizerId = logicalIdOf(stack, stack.approvals.api.authorizer);
      const authorized = [
        'GET /approvals', 'GET /approvals/{id}', 'POST /approvals/{id}/respond', 'GET /approvals/{id}/events', 'GET /history', 'GET /audit',
        'POST /approvals/batch-respond', 'GET /audit/verify', 'GET /audit/export', 'GET /stats',
      ];
      for (const key of authorized) {
        expect(routes.get(key), key).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: authorizerId } });
      }
      expect(routes.size).toBe(authorized.length + 3);
    });

    it('leaves only the dashboard page and the signed email links open, each with a written reason', () => {
      const open = [...routesOf(template).entries()].filter(([, method]) => method.AuthorizationType === 'NONE').map(([key]) => key);
      expect(open.sort()).toEqual(['GET /', 'GET /links/{token}', 'POST /links/{token}']);
    });

    it('proxies every route to the one API function', () => {
      const apiFunctionId = logicalIdOf(stack, stack.approvals.apiFunction);
      for (const [key, method] of routesOf(template)) {
        expect(method.Integration.Type, key).toBe('AWS_PROXY');
        expect(JSON.stringify(method.Integration.Uri), key).toContain(`"${apiFunctionId}","Arn"`);
      }
      // One invoke permission for the API as a whole, not one per method.
      template.resourcePropertiesCountIs('AWS::Lambda::Permission', { Principal: 'apigateway.amazonaws.com' }, 1);
    });

    it('authorizes with the approvers user pool, which needs MFA and has no self sign-up', () => {
      template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: 'COGNITO_USER_POOLS',
        IdentitySource: 'method.request.header.Authorization',
        ProviderARNs: [getAtt(logicalIdOf(stack, stack.approvals.approvers.userPool))],
      });
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        MfaConfiguration: 'ON',
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UserPoolTier: 'PLUS',
      });
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'approvers' });
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admins' });
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        AllowedOAuthFlows: ['code'],
        CallbackURLs: Match.arrayWith(['http://localhost:8080/callback']),
        GenerateSecret: false,
      });
    });

    it('validates the respond body against a closed schema before the function runs', () => {
      const respond = routesOf(template).get('POST /approvals/{id}/respond')!;
      const models = template.findResources('AWS::ApiGateway::Model', { Properties: { Name: 'RespondBody' } }) as Resources;
      const [modelId, model] = Object.entries(models)[0]!;
      expect(model.Properties.Schema).toMatchObject({
        type: 'object',
        required: ['decision'],
        additionalProperties: false,
        properties: {
          decision: { type: 'string', enum: ['approve', 'reject'] },
          reason: { type: 'string' },
          editedArgs: { type: 'object' },
          scope: { type: 'string', enum: ['once', 'execution'] },
        },
      });
      expect(respond.RequestModels).toEqual({ 'application/json': { Ref: modelId } });
      const validators = template.findResources('AWS::ApiGateway::RequestValidator') as Resources;
      const [validatorId, validator] = Object.entries(validators)[0]!;
      expect(validator.Properties).toMatchObject({ ValidateRequestBody: true });
      expect(respond.RequestValidatorId).toEqual({ Ref: validatorId });
    });

    it('throttles the stage, traces it and writes JSON access logs to a log group', () => {
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'v1',
        TracingEnabled: true,
        MethodSettings: Match.arrayWith([Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40, DataTraceEnabled: false })]),
        AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId"') },
      });
      const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
      expect(JSON.stringify(stage.Properties.AccessLogSetting.DestinationArn)).toContain(logicalIdOf(stack, stack.approvals.api.accessLogs));
    });

    it('answers no CORS preflight unless origins are configured', () => {
      expect([...routesOf(template).keys()].filter((key) => key.startsWith('OPTIONS'))).toEqual([]);
      const { template: withCors } = synthStack({ corsOrigins: ['https://console.acme.test'] });
      const preflights = [...routesOf(withCors).entries()].filter(([key]) => key.startsWith('OPTIONS'));
      expect(preflights.length).toBeGreaterThan(0);
      expect(JSON.stringify(preflights[0]![1].Integration)).toContain('https://console.acme.test');
    });
  });

  describe('functions', () => {
    it('run on nodejs22.x arm64 with X-Ray, source maps and a log group with a retention', () => {
      const functions = template.findResources('AWS::Lambda::Function') as Resources;
      expect(Object.keys(functions)).toHaveLength(4);
      const logGroups = template.findResources('AWS::Logs::LogGroup') as Resources;
      for (const [id, fn] of Object.entries(functions)) {
        expect(fn.Properties, id).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'hitl-approvals', LOG_LEVEL: 'INFO', TABLE_NAME: { Ref: tableId } } },
        });
        const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
        expect(logGroups[logGroupId]?.Properties.RetentionInDays, id).toBe(30);
      }
    });

    it('hand the API and the notifier the sender, the link secret and the public base URL', () => {
      const restApiId = logicalIdOf(stack, stack.approvals.api.restApi);
      const secretId = logicalIdOf(stack, stack.approvals.notifications.linkSecret);
      for (const fn of [stack.approvals.apiFunction, stack.approvals.notifications.notifier]) {
        const variables = (template.findResources('AWS::Lambda::Function') as Resources)[logicalIdOf(stack, fn)]!.Properties.Environment.Variables;
        expect(variables.SENDER_EMAIL).toBe('approvals@acme.test');
        expect(variables.LINK_SECRET_ARN).toEqual({ Ref: secretId });
        // Built from the API id and the stage name, not from the Stage resource (no cycle).
        expect(JSON.stringify(variables.PUBLIC_BASE_URL)).toContain(`{"Ref":"${restApiId}"}`);
        expect(JSON.stringify(variables.PUBLIC_BASE_URL)).toMatch(/\/v1"\]\]\}$/);
      }
      template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) });
    });

    it('let the API and the notifier look up approvers in the user pool, and the dashboard sign in', () => {
      const poolId = logicalIdOf(stack, stack.approvals.approvers.userPool);
      for (const fn of [stack.approvals.apiFunction, stack.approvals.notifications.notifier]) {
        const variables = (template.findResources('AWS::Lambda::Function') as Resources)[logicalIdOf(stack, fn)]!.Properties.Environment.Variables;
        expect(variables.USER_POOL_ID).toEqual({ Ref: poolId });
        const lookups = statementsOf(template).filter((s) => s.roles.includes(roleOf(stack, fn)) && s.actions.some((a) => a.startsWith('cognito-idp:')));
        expect(lookups.flatMap((s) => s.actions).sort()).toEqual(['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser', 'cognito-idp:ListUsersInGroup']);
        expect(lookups.flatMap((s) => s.resources)).toEqual([getAtt(poolId)]);
      }
      const api = (template.findResources('AWS::Lambda::Function') as Resources)[logicalIdOf(stack, stack.approvals.apiFunction)]!.Properties.Environment.Variables;
      expect(api.COGNITO_CLIENT_ID).toEqual({ Ref: logicalIdOf(stack, stack.approvals.approvers.client) });
      expect(JSON.stringify(api.COGNITO_DOMAIN)).toContain('amazoncognito.com');
      // The dashboard (GET /) is a hosted UI callback too.
      const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0]!;
      expect(JSON.stringify(client.Properties.CallbackURLs)).toContain(`{"Ref":"${logicalIdOf(stack, stack.approvals.api.restApi)}"}`);
    });

    it('run the sweeper every minute', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        Targets: [Match.objectLike({ Arn: getAtt(logicalIdOf(stack, stack.approvals.sweeper.function)) })],
      });
    });
  });

  describe('least privilege', () => {
    it('grants no states or dynamodb action, and no wildcard action, on Resource *', () => {
      for (const s of statementsOf(template)) {
        if (!s.resources.includes('*')) continue;
        expect(s.actions.filter((a) => a.startsWith('states:') || a.startsWith('dynamodb:') || a.endsWith('*')), s.policy).toEqual([]);
      }
    });

    it('lets the gate write requests to the table and invoke the notifier, nothing more', () => {
      const gate = statementsOf(template).filter((s) => s.roles.includes(roleOf(stack, stack.approvals.gate)));
      const table = gate.find((s) => s.actions.some((a) => a.startsWith('dynamodb:')))!;
      expect(table.actions.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
      expect(table.resources).toEqual([getAtt(tableId)]);
      expect(gate.flatMap((s) => s.actions).filter((a) => a.startsWith('states:') || a.startsWith('ses:'))).toEqual([]);
    });

    it('lets the API and the sweeper read the named indexes and answer task tokens of the approval gate only', () => {
      const stateMachineId = logicalIdOf(stack, stack.approvalGate.stateMachine);
      for (const fn of [stack.approvals.apiFunction, stack.approvals.sweeper.function]) {
        const statements = statementsOf(template).filter((s) => s.roles.includes(roleOf(stack, fn)));
        const reads = statements.find((s) => s.actions.includes('dynamodb:Query'))!;
        expect(reads.resources.map((r) => JSON.stringify(r))).toEqual(
          expect.arrayContaining(['pending', 'due', 'undelivered', 'timeline'].map((index) => JSON.stringify({ 'Fn::Join': ['', [getAtt(tableId), `/index/${index}`]] }))),
        );
        const tokens = statements.find((s) => s.actions.includes('states:SendTaskSuccess'))!;
        expect(tokens.actions.sort()).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess']);
        expect(tokens.resources).toContainEqual({ Ref: stateMachineId });
        const executions = tokens.resources.find((r) => JSON.stringify(r).includes(':execution:'));
        expect(JSON.stringify(executions)).toContain(JSON.stringify(getAtt(stateMachineId, 'Name')));
        expect(tokens.resources).toHaveLength(2);
      }
    });

    it('lets the API delete used email-link nonces and no other item', () => {
      const deletes = statementsOf(template).filter((s) => s.actions.includes('dynamodb:DeleteItem'));
      expect(deletes).toHaveLength(1);
      expect(deletes[0]!.roles).toEqual([roleOf(stack, stack.approvals.apiFunction)]);
      expect(deletes[0]!.condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['LINK#*'] } });
    });

    it('lets only the notifier send email, as the sender identity and From address', () => {
      const senders = statementsOf(template).filter((s) => s.actions.some((a) => a.startsWith('ses:')));
      expect(senders).toHaveLength(1);
      expect(senders[0]!.roles).toEqual([roleOf(stack, stack.approvals.notifications.notifier)]);
      expect(senders[0]!.actions.sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      expect(JSON.stringify(senders[0]!.resources)).toContain(`:identity/",{"Ref":"${logicalIdOf(stack, stack.approvals.notifications.identity)}"}`);
      expect(senders[0]!.condition).toEqual({ StringEquals: { 'ses:FromAddress': 'approvals@acme.test' } });
      template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'approvals@acme.test' });
    });

    it('lets the state machine invoke the gate function and no other', () => {
      const invokes = statementsOf(template).filter((s) => s.roles.includes(logicalIdOf(stack, stack.approvalGate.stateMachine.role)) && s.actions.includes('lambda:InvokeFunction'));
      expect(invokes.flatMap((s) => s.resources)).toEqual([getAtt(logicalIdOf(stack, stack.approvals.gate))]);
    });
  });

  describe('approval-gate workflow', () => {
    it('is a Standard workflow that logs ALL without execution data and is traced', () => {
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
        DefinitionSubstitutions: { GateFunctionArn: getAtt(logicalIdOf(stack, stack.approvals.gate)) },
      });
    });

    it('waits on the gate function with waitForTaskToken, a timeout and a timeout handler', () => {
      const gateState = Match.objectLike({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: Match.objectLike({ FunctionName: '${GateFunctionArn}', Payload: Match.objectLike({ 'taskToken.$': '$$.Task.Token' }) }),
        Catch: Match.arrayWith([Match.objectLike({ ErrorEquals: Match.arrayWith(['States.Timeout']) })]),
      });
      const definition = Match.serializedJson(Match.objectLike({ States: Match.objectLike({ WaitForApproval: gateState }) }));
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', { DefinitionString: definition });

      const states = Object.values(JSON.parse(template.findResources('AWS::StepFunctions::StateMachine')[logicalIdOf(stack, stack.approvalGate.stateMachine)]!.Properties.DefinitionString).States) as Record<string, unknown>[];
      const waiting = states.filter((s) => String(s.Resource).endsWith('.waitForTaskToken'));
      expect(waiting.length).toBeGreaterThan(0);
      for (const s of waiting) expect(s.TimeoutSeconds ?? s.TimeoutSecondsPath).toBeDefined();
    });
  });
});

describe('HitlApprovals in prod', () => {
  let stack: HitlStack;
  let template: Template;

  beforeAll(() => {
    ({ stack, template } = synthStack({ stage: 'prod', auditRetentionDays: 365 }));
  });

  it('keeps the table, protects it from deletion and expires audit entries by expiresAt', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }),
    });
    const variables = (template.findResources('AWS::Lambda::Function') as Resources)[logicalIdOf(stack, stack.approvals.gate)]!.Properties.Environment.Variables;
    expect(variables.AUDIT_RETENTION_DAYS).toBe('365');
  });

  it('keeps the user pool and logs, and turns on termination protection', () => {
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }) });
    for (const [id, group] of Object.entries(template.findResources('AWS::Logs::LogGroup') as Resources)) {
      expect(group.DeletionPolicy, id).toBe('Retain');
      expect(group.Properties.RetentionInDays, id).toBe(180);
    }
    expect(stack.terminationProtection).toBe(true);
  });
});

describe('template checks', () => {
  it('passes CloudFormation\'s built-in template validation without a finding', () => {
    const { stack } = synthStack({}, true);

    const assembly = (stack.node.root as App).synth();

    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };
    const cfnFindings = report.pluginReports.filter((r) => r.pluginName !== 'Construct Annotations').flatMap((r) => r.violations);
    expect(cfnFindings).toEqual([]);
  });

  it.each([['dev', {}], ['prod', { stage: 'prod', corsOrigins: ['https://console.acme.test'] }]] as const)(
    'leaves no unacknowledged cdk-nag AwsSolutions finding in %s',
    (_stage, config) => {
      const { stack } = synthStack(config as Partial<DeploymentConfig>);
      const report = new AwsSolutionsChecks().validateScope(stack);
      const findings = report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
      expect(findings).toEqual([]);
    },
  );

  it('acknowledges each cdk-nag finding with a written reason, and only these rules', () => {
    const { stack } = synthStack();
    const acknowledged = new Map<string, string>();
    for (const construct of stack.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) acknowledged.set(id.replace(/\[.*$/, ''), reason);
      }
    }
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
    expect([...acknowledged.keys()].map((id) => id.replace(/^.*::/, '')).sort()).toEqual(
      ['AwsSolutions-APIG3', 'AwsSolutions-APIG4', 'AwsSolutions-APIG6', 'AwsSolutions-COG4', 'AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-SMG4'],
    );
  });
});
