import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentConfig } from '#infra/config';
import type { IConstruct } from 'constructs';
import { adminGroupsFrom } from '#core/flow-revision';
import { readAccessFrom } from '#core/read-access';
import { systemClock } from '#ports';
import { INDEX_PROJECTIONS } from '#adapters/dynamodb/index-projections';
import { loadFlowDeployerConfig } from '#adapters/stepfunctions/sdk-flow-deployer';
import { compileFlow, FLOW_SUBSTITUTION_KEYS } from '#statemachines/compiler';
import { loadFlowFiles, parseFlow } from '#statemachines/flows';
import { deployedFlowDigest } from '#usecases/seed-flows';
import type { HitlStack } from '#infra/constructs/hitl-stack';
import { loadLambdaConfig } from '../../lambdas/config.ts';
import { loadFlowConfig } from '../../lambdas/entrypoints/flow-config.ts';
import { awsChannelNotifier } from '../../lambdas/handlers/channels/aws-wiring.ts';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';
import { getAtt, logicalIdOf, roleOf, routesOf, statementsOf, synthStack, type Resources } from './fixtures.ts';
import { environmentOf, resolveValue } from './template-values.ts';

/** A grant on the state machines of flows created in the editor, by name prefix (`HitlTest-flow-*`). */
const isEditorFlowPrefix = (resource: string) => resource.includes('HitlTest-flow-*');

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

    it('declares the four GSIs the store queries, with the projections the store declares', () => {
      const gsi = (name: string, n: number, Projection: object) => ({
        IndexName: name,
        KeySchema: [
          { AttributeName: `gsi${n}pk`, KeyType: 'HASH' },
          { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' },
        ],
        Projection,
      });
      const include = (key: keyof typeof INDEX_PROJECTIONS) => {
        const projection = INDEX_PROJECTIONS[key];
        return projection.type === 'INCLUDE' ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.attributes] } : { ProjectionType: 'KEYS_ONLY' };
      };
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: Match.arrayEquals([gsi('pending', 1, include('pending')), gsi('due', 2, include('due')), gsi('undelivered', 3, include('undelivered')), gsi('timeline', 4, include('timeline'))]),
      });
    });

    it('expires items by expiresAt even without an audit retention, and is removed with the dev stack', () => {
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({ TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true }, DeletionProtectionEnabled: false }),
      });
    });
  });

  describe('API', () => {
    it('exposes every other route behind the Cognito authorizer', () => {
      const routes = routesOf(template);
      const authorizerId = logicalIdOf(stack, stack.approvals.api.authorizer);
      const authorized = [
        'GET /approvals', 'GET /approvals/{id}', 'POST /approvals/{id}/respond', 'GET /approvals/{id}/events', 'GET /history', 'GET /audit', 'ANY /mcp',
        'POST /approvals/{id}/cancel', 'POST /approvals/{id}/extend', 'GET /delegations/{userId}', 'PUT /delegations/{userId}', 'DELETE /delegations/{userId}',
        'POST /approvals/batch-respond', 'GET /audit/verify', 'GET /audit/export', 'GET /stats', 'GET /openapi.json',
        'POST /flows/{flowId}/executions', 'GET /executions/{id}', 'GET /executions/{id}/graph',
        'GET /flows', 'POST /flows', 'GET /flows/{flowId}', 'PUT /flows/{flowId}', 'POST /flows/{flowId}/deploy', 'GET /flows/{flowId}/revisions',
        'GET /gates', 'GET /gates/{gateId}', 'PUT /gates/{gateId}', 'GET /gates/{gateId}/revisions',
        'GET /tools', 'PUT /tools/{name}',
      ];
      for (const key of authorized) {
        expect(routes.get(key), key).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: authorizerId } });
      }
      const signedWithIam = ['POST /gates/{gateId}/requests', 'GET /approvals/{id}/decision'];
      for (const key of signedWithIam) expect(routes.get(key), key).toMatchObject({ AuthorizationType: 'AWS_IAM' });
      expect(routes.size).toBe(authorized.length + signedWithIam.length + 3);
    });

    it('gives the API function time for a 25-second long poll, under API Gateway\'s 29 s', () => {
      const fn = template.findResources('AWS::Lambda::Function')[logicalIdOf(stack, stack.approvals.apiFunction)];
      expect(fn.Properties.Timeout).toBeGreaterThan(25);
      expect(fn.Properties.Timeout).toBeLessThan(29);
    });

    it('lets only the API, the decision function and the sweeper read the webhook signing key', () => {
      const secretId = logicalIdOf(stack, stack.approvals.webhookSigning.secret);
      const readers = Object.entries(template.findResources('AWS::IAM::Policy'))
        .filter(([, policy]) => JSON.stringify(policy).includes(`"Ref":"${secretId}"`))
        .map(([, policy]) => JSON.stringify((policy as { Properties: { Roles: unknown } }).Properties.Roles));
      expect(readers).toHaveLength(3);
      expect(readers.join()).toContain(logicalIdOf(stack, stack.approvals.apiFunction.role!));
      expect(readers.join()).toContain(logicalIdOf(stack, stack.approvals.decisionFunction.role!));
      expect(readers.join()).toContain(logicalIdOf(stack, stack.approvals.sweeper.function.role!));
    });

    it('leaves exactly three methods open: the dashboard, email links (one ANY method) and Slack interactions', () => {
      const open = [...routesOf(template).entries()].filter(([, method]) => method.AuthorizationType === 'NONE').map(([key]) => key);
      expect(open.sort()).toEqual(['ANY /links/{token}', 'GET /', 'POST /slack/interactions']);
    });

    it('proxies every route to the API function or, for the decision path, to the decision function', () => {
      const ids = [stack.approvals.apiFunction, stack.approvals.decisionFunction].map((fn) => logicalIdOf(stack, fn));
      for (const [key, method] of routesOf(template)) {
        expect(method.Integration.Type, key).toBe('AWS_PROXY');
        expect(ids.filter((id) => JSON.stringify(method.Integration.Uri).includes(`"${id}","Arn"`)), key).toHaveLength(1);
      }
      // One invoke permission per function for the API as a whole, not one per method.
      template.resourcePropertiesCountIs('AWS::Lambda::Permission', { Principal: 'apigateway.amazonaws.com' }, 2);
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

    it('validates the respond, batch-respond and start-execution bodies with models made from the handlers\' zod schemas', () => {
      const routes = routesOf(template);
      const models = template.findResources('AWS::ApiGateway::Model') as Resources;
      const modelOf = (key: string) => models[routes.get(key)!.RequestModels['application/json'].Ref]!.Properties;

      const respond = modelOf('POST /approvals/{id}/respond');
      expect(respond.Name).toBe('RespondBody');
      expect(respond.Schema).toEqual({
        $schema: 'http://json-schema.org/draft-04/schema#',
        title: 'RespondBody',
        type: 'object',
        required: ['decision'],
        additionalProperties: false,
        properties: {
          decision: { type: 'string', enum: ['approve', 'reject'] },
          reason: { type: 'string', minLength: 1, maxLength: 2000 },
          editedArgs: { type: 'object', additionalProperties: {} },
          scope: { type: 'string', enum: ['once', 'execution'] },
        },
      });
      expect(modelOf('POST /approvals/batch-respond').Schema).toMatchObject({
        additionalProperties: false,
        required: ['decisions'],
        properties: { decisions: { type: 'array', minItems: 1, maxItems: 50, items: { required: ['id', 'decision'] } } },
      });
      expect(modelOf('POST /flows/{flowId}/executions').Schema).toMatchObject({
        additionalProperties: false,
        required: ['input'],
        properties: { input: { type: 'object', additionalProperties: false, required: ['message'], properties: { message: { type: 'string', minLength: 1, maxLength: 8000 } } } },
      });
      const validators = template.findResources('AWS::ApiGateway::RequestValidator') as Resources;
      const [validatorId, validator] = Object.entries(validators)[0]!;
      expect(validator.Properties).toMatchObject({ ValidateRequestBody: true });
      expect(routes.get('POST /approvals/{id}/respond')!.RequestValidatorId).toEqual({ Ref: validatorId });
    });

    it('throttles the stage and traces it', () => {
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'v1',
        TracingEnabled: true,
        MethodSettings: Match.arrayWith([Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40, DataTraceEnabled: false })]),
      });
    });

    it('writes JSON access logs to a log group when the account role is created', () => {
      const { stack, template } = synthStack({ apiCloudWatchRole: 'create' });
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'v1',
        TracingEnabled: true,
        MethodSettings: Match.arrayWith([Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40, DataTraceEnabled: false })]),
        AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId"') },
      });
      const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
      expect(JSON.stringify(stage.Properties.AccessLogSetting.DestinationArn)).toContain(logicalIdOf(stack, stack.approvals.api.accessLogs!));
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
      // gate, API, decisions, sweeper, notifier; and the flows' agent, tool, gate and gate-timeout functions.
      expect(Object.keys(functions)).toHaveLength(9);
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
    it('grants no dynamodb action, no wildcard action, and no states action but the API\'s ValidateStateMachineDefinition, on Resource *', () => {
      const apiRole = roleOf(stack, stack.approvals.apiFunction);
      for (const s of statementsOf(template)) {
        if (!s.resources.includes('*')) continue;
        // ValidateStateMachineDefinition reads and changes nothing, and has no resource-level permission.
        const allowed = s.roles.length === 1 && s.roles[0] === apiRole ? ['states:ValidateStateMachineDefinition'] : [];
        expect(s.actions.filter((a) => (a.startsWith('states:') && !allowed.includes(a)) || a.startsWith('dynamodb:') || a.endsWith('*')), s.policy).toEqual([]);
      }
      const validates = statementsOf(template).filter((s) => s.actions.includes('states:ValidateStateMachineDefinition'));
      expect(validates.map((s) => [s.roles, s.resources])).toEqual([[[apiRole], ['*']]]);
    });

    it('lets the gate write requests to the table, invoke the notifier and hand decisions to the approval gate, nothing more', () => {
      const gate = statementsOf(template).filter((s) => s.roles.includes(roleOf(stack, stack.approvals.gate)));
      const table = gate.find((s) => s.actions.some((a) => a.startsWith('dynamodb:')))!;
      expect(table.actions.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
      expect(table.resources).toEqual([getAtt(tableId)]);
      expect(gate.flatMap((s) => s.actions).filter((a) => a.startsWith('ses:'))).toEqual([]);
      expect(gate.flatMap((s) => s.actions).filter((a) => a.startsWith('states:'))).toEqual(['states:SendTaskSuccess']);
    });

    it('lets the API, the decision function and the sweeper read the named indexes and answer task tokens of the approval gate and of every flow', () => {
      // Every flow, gates or not: a revision deployed from the flow editor may add a gate.
      const gated = [stack.approvalGate, ...stack.flows.workflows.values()];
      expect(gated.every((workflow) => workflow.answersTaskTokens)).toBe(true);
      for (const fn of [stack.approvals.apiFunction, stack.approvals.decisionFunction, stack.approvals.sweeper.function]) {
        const statements = statementsOf(template).filter((s) => s.roles.includes(roleOf(stack, fn)));
        const reads = statements.find((s) => s.actions.includes('dynamodb:Query'))!;
        expect(reads.resources.map((r) => JSON.stringify(r))).toEqual(
          expect.arrayContaining(['pending', 'due', 'undelivered', 'timeline'].map((index) => JSON.stringify({ 'Fn::Join': ['', [getAtt(tableId), `/index/${index}`]] }))),
        );
        const tokens = statements.filter((s) => s.actions.some((a) => a.startsWith('states:SendTask')));
        expect([...new Set(tokens.flatMap((s) => s.actions))].sort()).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess']);
        // Flows created in the editor are granted by their name prefix (test/infra/editor-flow-machines.test.ts).
        const resources = tokens.flatMap((s) => s.resources).map((r) => JSON.stringify(r)).filter((r) => !isEditorFlowPrefix(r));
        const expected = gated.flatMap((workflow) => {
          const id = logicalIdOf(stack, workflow.stateMachine);
          return [JSON.stringify({ Ref: id }), JSON.stringify(getAtt(id, 'Name'))];
        });
        expect(resources).toHaveLength(expected.length);
        for (const [i, workflow] of gated.entries()) {
          expect(resources, workflow.node.path).toContain(expected[2 * i]);
          expect(resources.find((r) => r.includes(':execution:') && r.includes(expected[2 * i + 1]!)), workflow.node.path).toBeDefined();
        }
      }
    });

    it('lets the API delete used email-link nonces and ended delegations, and no other item', () => {
      const deletes = statementsOf(template).filter((s) => s.actions.includes('dynamodb:DeleteItem') && s.roles.includes(roleOf(stack, stack.approvals.apiFunction)));
      expect(deletes).toHaveLength(2);
      for (const statement of deletes) expect(statement.roles).toEqual([roleOf(stack, stack.approvals.apiFunction)]);
      expect(deletes.map((statement) => statement.condition).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DELEG#*'] } },
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['LINK#*'] } },
      ]);
    });

    it('lets only the notifier and the send_email tool send email, as the sender identity and From address', () => {
      const senders = statementsOf(template).filter((s) => s.actions.some((a) => a.startsWith('ses:Send')));
      // Reading the account's sending quota (to pace sends) is the notifier's only other SES action.
      const quota = statementsOf(template).filter((s) => s.actions.includes('ses:GetSendQuota'));
      expect(quota.map((s) => [s.roles, s.resources])).toEqual([[[roleOf(stack, stack.approvals.notifications.notifier)], ['*']]]);
      // CDK merges it with the X-Ray statement on Resource "*".
      expect(quota[0]!.actions.filter((a) => a !== 'ses:GetSendQuota').every((a) => a.startsWith('xray:'))).toBe(true);
      expect(senders.map((s) => s.roles).sort()).toEqual([[roleOf(stack, stack.approvals.notifications.notifier)], [roleOf(stack, stack.flows.toolFunction)]].sort());
      const actionsOf = (fn: { executionRole: any }) => senders.find((s) => s.roles.includes(roleOf(stack, fn)))!.actions.sort();
      expect(actionsOf(stack.approvals.notifications.notifier)).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      // SesMailSender sends raw MIME only.
      expect(actionsOf(stack.flows.toolFunction)).toEqual(['ses:SendRawEmail']);
      for (const sender of senders) {
        expect(JSON.stringify(sender.resources)).toContain(`:identity/",{"Ref":"${logicalIdOf(stack, stack.approvals.notifications.identity)}"}`);
        expect(sender.condition).toEqual({ StringEquals: { 'ses:FromAddress': 'approvals@acme.test' } });
      }
      template.resourceCountIs('AWS::SES::EmailIdentity', 1);
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

  describe('channels', () => {
    const variablesOf = (fn: IConstruct) => (template.findResources('AWS::Lambda::Function') as Resources)[logicalIdOf(stack, fn)]!.Properties.Environment.Variables;

    it('creates the Slack signing secret without a value, and the webhook map as {}, for the operator to fill', () => {
      const secrets = template.findResources('AWS::SecretsManager::Secret') as Resources;
      const signing = secrets[logicalIdOf(stack, stack.approvals.slack.signingSecret)]!.Properties;
      // No SecretString and nothing generated: reading it fails until the operator puts Slack's value.
      expect(signing.SecretString).toBeUndefined();
      expect(signing.GenerateSecretString).toBeUndefined();
      expect(secrets[logicalIdOf(stack, stack.approvals.slack.webhooksSecret)]!.Properties.SecretString).toBe('{}');
    });

    it('lets the API hand a Slack click\'s follow-up to the sweeper, and invoke nothing else', () => {
      const sweeperId = logicalIdOf(stack, stack.approvals.sweeper.function);
      expect(variablesOf(stack.approvals.apiFunction).SLACK_FOLLOW_UP_FUNCTION_NAME).toEqual({ Ref: sweeperId });
      const invokes = statementsOf(template).filter((s) => s.roles.includes(roleOf(stack, stack.approvals.apiFunction)) && s.actions.includes('lambda:InvokeFunction'));
      expect(invokes.flatMap((s) => s.resources)).toEqual([getAtt(sweeperId)]);
    });

    it('gives the API the signing secret and the notifier the webhook map, each with read access to its own secret only', () => {
      const signingId = logicalIdOf(stack, stack.approvals.slack.signingSecret);
      const webhooksId = logicalIdOf(stack, stack.approvals.slack.webhooksSecret);
      const linkId = logicalIdOf(stack, stack.approvals.notifications.linkSecret);
      expect(variablesOf(stack.approvals.apiFunction).SLACK_SIGNING_SECRET_ARN).toEqual({ Ref: signingId });
      expect(variablesOf(stack.approvals.notifications.notifier).SLACK_WEBHOOKS_SECRET_ARN).toEqual({ Ref: webhooksId });
      const readers = (secretId: string) =>
        statementsOf(template).filter((s) => s.actions.includes('secretsmanager:GetSecretValue') && JSON.stringify(s.resources).includes(`"${secretId}"`)).flatMap((s) => s.roles).sort();
      expect(readers(signingId)).toEqual([roleOf(stack, stack.approvals.apiFunction)]);
      expect(readers(webhooksId)).toEqual([roleOf(stack, stack.approvals.notifications.notifier)]);
      expect(readers(linkId)).toEqual([roleOf(stack, stack.approvals.apiFunction), roleOf(stack, stack.approvals.notifications.notifier)].sort());
    });

    it('links approvers to Slack with custom:slack_user_id, which only an admin may set', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        Schema: Match.arrayWith([Match.objectLike({ Name: 'slack_user_id', AttributeDataType: 'String', Mutable: true })]),
      });
      const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0]!;
      expect(client.Properties.WriteAttributes).toContain('email');
      expect(client.Properties.WriteAttributes.filter((name: string) => name.startsWith('custom:'))).toEqual([]);
    });

    it('returns the hosted UI to the dashboard after sign-in and sign-out (authorization code, public client for PKCE)', () => {
      const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0]!.Properties;
      const resources = template.toJSON().Resources;
      const dashboard = 'https://abc123def4.execute-api.eu-west-1.amazonaws.com/v1/';
      expect(resolveValue(client.CallbackURLs, resources)).toEqual(['http://localhost:8080/callback', dashboard]);
      expect(resolveValue(client.LogoutURLs, resources)).toEqual(['http://localhost:8080/callback', dashboard]);
      expect(client).toMatchObject({ AllowedOAuthFlows: ['code'], GenerateSecret: false });
      expect(environmentOf(resources, logicalIdOf(stack, stack.approvals.apiFunction)).PUBLIC_BASE_URL).toBe(dashboard.slice(0, -1));
    });
  });

  describe('flows', () => {
    const flowFiles = loadFlowFiles(DEMO_TOOL_NAMES);
    const stateMachines = () => template.findResources('AWS::StepFunctions::StateMachine') as Resources;
    const machineOf = (flowId: string) => stateMachines()[logicalIdOf(stack, stack.flows.workflows.get(flowId)!.stateMachine)]!.Properties;

    it('deploys every flow in statemachines/flows/ as the Standard state machine flow-<id>, compiled by compileFlow', () => {
      expect([...stack.flows.workflows.keys()].sort()).toEqual(flowFiles.map((flow) => flow.id).sort());
      for (const flow of flowFiles) {
        const machine = machineOf(flow.id);
        expect(machine, flow.id).toMatchObject({
          StateMachineName: `HitlTest-flow-${flow.id}`,
          StateMachineType: 'STANDARD',
          TracingConfiguration: { Enabled: true },
          LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
        });
        expect(JSON.parse(machine.DefinitionString), flow.id).toEqual(compileFlow(flow));
      }
    });

    it('substitutes exactly the function ARNs each definition names, and the state machine may invoke the four flow functions and no other', () => {
      const fnIds: Record<string, string> = {
        AgentFunctionArn: logicalIdOf(stack, stack.flows.agentFunction),
        ToolFunctionArn: logicalIdOf(stack, stack.flows.toolFunction),
        FlowGateFunctionArn: logicalIdOf(stack, stack.flows.gateFunction),
        GateTimeoutFunctionArn: logicalIdOf(stack, stack.flows.gateTimeoutFunction),
      };
      for (const flow of flowFiles) {
        const machine = machineOf(flow.id);
        const used = [...new Set([...String(machine.DefinitionString).matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!))].sort();
        expect(used.every((name) => name in fnIds), flow.id).toBe(true);
        expect(Object.keys(machine.DefinitionSubstitutions).sort(), flow.id).toEqual(used);
        for (const name of used) expect(machine.DefinitionSubstitutions[name], `${flow.id} ${name}`).toEqual(getAtt(fnIds[name]!));
        const role = logicalIdOf(stack, stack.flows.workflows.get(flow.id)!.stateMachine.role);
        // All four, named or not: a revision deployed from the flow editor may add agents, tools and gates.
        const invokes = statementsOf(template).filter((s) => s.roles.includes(role) && s.actions.includes('lambda:InvokeFunction'));
        expect(invokes.flatMap((s) => s.resources).map((r) => JSON.stringify(r)).sort(), flow.id).toEqual(Object.values(fnIds).map((id) => JSON.stringify(getAtt(id))).sort());
      }
      // The audited flow has no gate: the flow gate is not in its definition; the gate-timeout function
      // is, as every flow's failure recorder.
      expect(Object.keys(machineOf('support-agent-audited').DefinitionSubstitutions).sort()).toEqual(['AgentFunctionArn', 'GateTimeoutFunctionArn', 'ToolFunctionArn']);
    });

    it('pauses the demo flow at a waitForTaskToken gate with a timeout whose Catch records the timeout', () => {
      const gate = Match.objectLike({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: Match.objectLike({ FunctionName: '${FlowGateFunctionArn}', Payload: Match.objectLike({ 'taskToken.$': '$$.Task.Token' }) }),
        TimeoutSeconds: Match.anyValue(),
        Catch: [Match.objectLike({ ErrorEquals: ['States.Timeout'], Next: 'agent.TimedOut' }), Match.objectLike({ ErrorEquals: ['States.ALL'], Next: 'RecordFailure' })],
      });
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: 'HitlTest-flow-support-agent',
        DefinitionString: Match.serializedJson(Match.objectLike({ States: Match.objectLike({ 'agent.Gate': gate }) })),
      });
      for (const flow of flowFiles) {
        const states = Object.values(JSON.parse(machineOf(flow.id).DefinitionString).States) as Record<string, unknown>[];
        for (const s of states.filter((state) => String(state.Resource).endsWith('.waitForTaskToken'))) expect(s.TimeoutSeconds, flow.id).toBeGreaterThan(0);
      }
    });

    it('publishes a version of every flow and routes its alias live to it, 100%', () => {
      const versions = template.findResources('AWS::StepFunctions::StateMachineVersion') as Resources;
      const aliases = template.findResources('AWS::StepFunctions::StateMachineAlias') as Resources;
      expect(Object.keys(versions)).toHaveLength(flowFiles.length);
      expect(Object.keys(aliases)).toHaveLength(flowFiles.length);
      for (const flow of flowFiles) {
        const workflow = stack.flows.workflows.get(flow.id)!;
        const machineId = logicalIdOf(stack, workflow.stateMachine);
        const versionId = stack.getLogicalId(workflow.version!);
        // A new version whenever CloudFormation changes the state machine.
        expect(versions[versionId]!.Properties, flow.id).toMatchObject({ StateMachineArn: { Ref: machineId }, StateMachineRevisionId: getAtt(machineId, 'StateMachineRevisionId') });
        expect(aliases[stack.getLogicalId(workflow.alias!)]!.Properties, flow.id).toMatchObject({
          Name: 'live',
          RoutingConfiguration: [{ StateMachineVersionArn: getAtt(versionId), Weight: 100 }],
        });
      }
      // The approval gate has neither: its callers start it by its ARN.
      expect(stack.approvalGate.alias).toBeUndefined();
      template.hasOutput('FlowSupportAgentAliasArn', { Value: getAtt(stack.getLogicalId(stack.flows.workflows.get('support-agent')!.alias!)) });
    });

    it('tells the API function every deployed flow in FLOW_STATE_MACHINES (its alias), in the schema its flow config reads', () => {
      const resources = template.toJSON().Resources;
      const env = environmentOf(resources, logicalIdOf(stack, stack.approvals.apiFunction));
      const deployed = loadFlowConfig(env).FLOW_STATE_MACHINES!;
      expect(deployed).toEqual(
        Object.fromEntries(
          flowFiles.map((flow) => [
            flow.id,
            { stateMachineArn: `arn:aws:states:eu-west-1:123456789012:stateMachine:HitlTest-flow-${flow.id}:live`, revision: flow.revision, channel: flow.channel, digest: deployedFlowDigest(flow) },
          ]),
        ),
      );
      expect(deployed['support-agent']).toMatchObject({ stateMachineArn: expect.stringMatching(/:stateMachine:HitlTest-flow-support-agent:live$/), revision: 1, channel: 'async' });
      // The flow files bundled with the API function are what CloudFormation deployed, so it seeds them all.
      for (const flow of flowFiles) expect(deployedFlowDigest(flow), flow.id).toBe(deployed[flow.id]?.digest);
      // Pointed at the alias resource itself, so the API function is created after the alias exists.
      const variables = (template.findResources('AWS::Lambda::Function') as Resources)[logicalIdOf(stack, stack.approvals.apiFunction)]!.Properties.Environment.Variables;
      expect(JSON.stringify(variables.FLOW_STATE_MACHINES)).toContain(JSON.stringify(getAtt(stack.getLogicalId(stack.flows.workflows.get('support-agent')!.alias!))));
    });

    it('makes the API function the flow editor\'s deployer: FLOW_FUNCTION_ARNS in the schema the deployer reads, and the alias name', () => {
      const resources = template.toJSON().Resources;
      const env = environmentOf(resources, logicalIdOf(stack, stack.approvals.apiFunction));
      const config = loadFlowDeployerConfig(env);
      const arnOf = (fn: IConstruct) => resolveValue(getAtt(logicalIdOf(stack, fn)), resources);
      expect(config).toEqual({
        FLOW_FUNCTION_ARNS: {
          AgentFunctionArn: arnOf(stack.flows.agentFunction),
          ToolFunctionArn: arnOf(stack.flows.toolFunction),
          FlowGateFunctionArn: arnOf(stack.flows.gateFunction),
          GateTimeoutFunctionArn: arnOf(stack.flows.gateTimeoutFunction),
        },
        FLOW_ALIAS_NAME: 'live',
        FLOW_NEW_MACHINES: expect.objectContaining({ namePrefix: 'HitlTest' }),
      });
      expect(Object.keys(config.FLOW_FUNCTION_ARNS!).sort()).toEqual([...FLOW_SUBSTITUTION_KEYS].sort());
    });

    it('lets the API update and publish the flow state machines and route their aliases, each on those flows only, passing no role to them', () => {
      const api = statementsOf(template).filter((s) => s.roles.includes(roleOf(stack, stack.approvals.apiFunction)));
      const resourcesOf = (action: string) =>
        api
          .filter((s) => s.actions.includes(action))
          .flatMap((s) => s.resources)
          .map((r) => JSON.stringify(r))
          .filter((r) => !isEditorFlowPrefix(r))
          .sort();
      const machines = flowFiles.map((flow) => JSON.stringify({ Ref: logicalIdOf(stack, stack.flows.workflows.get(flow.id)!.stateMachine) }));
      const aliases = flowFiles.map((flow) => JSON.stringify(getAtt(stack.getLogicalId(stack.flows.workflows.get(flow.id)!.alias!))));
      expect(resourcesOf('states:UpdateStateMachine')).toEqual([...machines].sort());
      expect(resourcesOf('states:PublishStateMachineVersion')).toEqual([...machines].sort());
      // Step Functions authorizes alias calls against the state machine's ARN; the alias's is listed too.
      expect(resourcesOf('states:CreateStateMachineAlias')).toEqual([...machines, ...aliases].sort());
      expect(resourcesOf('states:UpdateStateMachineAlias')).toEqual([...machines, ...aliases].sort());
      expect(resourcesOf('states:ValidateStateMachineDefinition')).toEqual(['"*"']);
      // The deployer passes only the role of flows created in the editor (see editor-flow-machines.test.ts), and never deletes anything.
      expect(statementsOf(template).filter((s) => s.actions.some((a) => a.startsWith('iam:'))).flatMap((s) => s.resources)).toEqual([getAtt(logicalIdOf(stack, stack.flows.editorFlows.role))]);
      expect(api.flatMap((s) => s.actions).filter((a) => /^states:(Delete|Create(?!StateMachineAlias|StateMachine$)|TagResource)/.test(a))).toEqual([]);
    });

    it('lets the API start the flows (state machines, versions and aliases), describe their executions and read their histories, and nothing more in Step Functions than the editor needs', () => {
      const api = statementsOf(template).filter((s) => s.roles.includes(roleOf(stack, stack.approvals.apiFunction)));
      const starts = api.filter((s) => s.actions.includes('states:StartExecution'));
      expect(starts.flatMap((s) => s.actions)).toEqual(['states:StartExecution']);
      expect(starts.flatMap((s) => s.resources).map((r) => JSON.stringify(r)).filter((r) => !isEditorFlowPrefix(r)).sort()).toEqual(
        flowFiles
          .flatMap((flow) => {
            const machine = { Ref: logicalIdOf(stack, stack.flows.workflows.get(flow.id)!.stateMachine) };
            return [machine, { 'Fn::Join': ['', [machine, ':*']] }];
          })
          .map((r) => JSON.stringify(r))
          .sort(),
      );
      const describes = api.filter((s) => s.actions.includes('states:DescribeExecution'));
      expect(describes.flatMap((s) => s.actions)).toEqual(['states:DescribeExecution', 'states:GetExecutionHistory']);
      expect(describes.flatMap((s) => s.resources).map((r) => JSON.stringify(r)).filter((r) => !isEditorFlowPrefix(r)).sort()).toEqual(
        flowFiles.map((flow) => JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:execution:HitlTest-flow-${flow.id}:*`]] })).sort(),
      );
      const stepFunctionsActions = new Set(api.flatMap((s) => s.actions).filter((a) => a.startsWith('states:')));
      expect([...stepFunctionsActions].sort()).toEqual([
        'states:CreateStateMachine',
        'states:CreateStateMachineAlias',
        'states:DescribeExecution',
        'states:GetExecutionHistory',
        'states:PublishStateMachineVersion',
        'states:SendTaskFailure',
        'states:SendTaskSuccess',
        'states:StartExecution',
        'states:UpdateStateMachine',
        'states:UpdateStateMachineAlias',
        'states:ValidateStateMachineDefinition',
      ]);
    });

    it('gives the flow gate the gate\'s settings, and SendTaskSuccess on executions of every flow', () => {
      const gate = stack.flows.gateFunction;
      const variables = (template.findResources('AWS::Lambda::Function') as Resources)[logicalIdOf(stack, gate)]!.Properties.Environment.Variables;
      expect(variables).toMatchObject({ TABLE_NAME: { Ref: tableId }, NOTIFIER_FUNCTION_NAME: { Ref: logicalIdOf(stack, stack.approvals.notifications.notifier) } });
      const statements = statementsOf(template).filter((s) => s.roles.includes(roleOf(stack, gate)));
      expect(statements.find((s) => s.actions.includes('dynamodb:PutItem'))!.actions.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
      expect(statements.find((s) => s.actions.includes('lambda:InvokeFunction'))!.resources).toEqual([getAtt(logicalIdOf(stack, stack.approvals.notifications.notifier))]);
      const tokens = statements.filter((s) => s.actions.some((a) => a.startsWith('states:')));
      expect(tokens.flatMap((s) => s.actions)).toEqual(['states:SendTaskSuccess']);
      // The audited flow has no gate today; a revision deployed from the editor may add one.
      expect(stack.flows.workflows.get('support-agent-audited')!.waitsForTaskTokens).toBe(false);
      expect(tokens.flatMap((s) => s.resources).map((r) => JSON.stringify(r)).filter((r) => !isEditorFlowPrefix(r)).sort()).toEqual(
        flowFiles.map((flow) => flow.id).map((id) => JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:execution:HitlTest-flow-${id}:*`]] })).sort(),
      );
    });

    it('limits the agent, tool and gate-timeout functions to their own items, and gives no Bedrock access when every agent is scripted', () => {
      const itemsOf = (fn: { executionRole: IConstruct }) =>
        statementsOf(template)
          .filter((s) => s.roles.includes(roleOf(stack, fn)) && s.actions.some((a) => a.startsWith('dynamodb:')))
          .map((s) => ({ actions: s.actions.sort(), resources: s.resources, prefixes: (s.condition as any)?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] }));
      const audit = { actions: ['dynamodb:PutItem', 'dynamodb:Query'], resources: [getAtt(tableId)], prefixes: ['EXEC#*'] };
      // Both list the tools admins saved: the `TOOLS` partition of the timeline index, nothing else of it.
      const savedToolItems = { actions: ['dynamodb:GetItem'], resources: [getAtt(tableId)], prefixes: ['TOOL#*'] };
      const savedTools = { actions: ['dynamodb:Query'], resources: [expect.anything()], prefixes: ['TOOLS'] };
      // Texts too large for a flow's state: written and read back by the steps that carry the state, nothing else.
      const payloads = { actions: ['dynamodb:PutItem', 'dynamodb:Query'], resources: [getAtt(tableId)], prefixes: ['PAYLOAD#*'] };
      expect(itemsOf(stack.flows.agentFunction)).toEqual([audit, savedToolItems, savedTools, payloads]);
      expect(itemsOf(stack.flows.toolFunction)).toEqual([
        audit,
        { actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [getAtt(tableId)], prefixes: ['TOOLRUN#*'] },
        // An approved call records the arguments it ran with on its request (the `executed` event).
        { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [getAtt(tableId)], prefixes: ['REQ#*'] },
        savedToolItems,
        savedTools,
        payloads,
      ]);
      // The audit chain plus marking its execution failed (`RecordFailure`): one statement on EXEC# items.
      expect(itemsOf(stack.flows.gateTimeoutFunction)).toEqual([
        { ...audit, actions: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] },
        { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [getAtt(tableId)], prefixes: ['REQ#*'] },
        // Nothing on STATS# items: the sweeper's rollup counts a voice gate's timeout from the timeline.
        payloads,
      ]);
      expect(statementsOf(template).filter((s) => s.actions.some((a) => a.startsWith('bedrock:')))).toEqual([]);
      const tools = (template.findResources('AWS::Lambda::Function') as Resources)[logicalIdOf(stack, stack.flows.toolFunction)]!.Properties.Environment.Variables;
      expect(tools.TOOL_MAIL_FROM).toBe('approvals@acme.test');
    });
  });

  describe('function environments', () => {
    it('set only variables the Lambda config schemas know, with values of the shape they accept', () => {
      const resources = template.toJSON().Resources as Resources;
      const platform = new Set(['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'LOG_LEVEL']);
      for (const [id, fn] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
        const env: Record<string, string> = { ...environmentOf(resources, id), AWS_REGION: 'eu-west-1' };
        // HITL_ADMIN_GROUPS: the flow editor's admin groups (adminGroupsFrom throws on a bad value).
        const editor = env.HITL_ADMIN_GROUPS !== undefined && adminGroupsFrom(env).length > 0 ? ['HITL_ADMIN_GROUPS'] : [];
        const known = new Set([...Object.keys(loadLambdaConfig(env)), ...Object.keys(loadFlowConfig(env)), ...Object.keys(loadFlowDeployerConfig(env)), ...editor, ...platform]);
        expect(Object.keys(fn.Properties.Environment.Variables).filter((key) => !known.has(key)), id).toEqual([]);
      }
    });

    it('tell the API the deployment\'s admin and auditor groups, so only they read what is theirs and only admins edit flows', () => {
      const { stack: custom, template: customTemplate } = synthStack({ approverGroups: ['admins'], adminGroups: ['security', 'platform'], auditorGroups: ['compliance'] });
      const env = environmentOf(customTemplate.toJSON().Resources, logicalIdOf(custom, custom.approvals.apiFunction));
      expect(adminGroupsFrom(env)).toEqual(['security', 'platform']);
      expect(readAccessFrom(env)).toEqual({ adminGroups: ['security', 'platform'], auditorGroups: ['compliance'] });
      const groups = Object.values(customTemplate.findResources('AWS::Cognito::UserPoolGroup') as Resources).map((group) => group.Properties.GroupName);
      expect(groups).toEqual(expect.arrayContaining(['security', 'platform', 'compliance', 'admins']));
    });

    it('stay within Lambda\'s 4 KB of environment, FLOW_STATE_MACHINES and FLOW_FUNCTION_ARNS included', () => {
      const resources = template.toJSON().Resources as Resources;
      for (const [id, fn] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
        const env = environmentOf(resources, id);
        expect(Object.entries(env).reduce((chars, [key, value]) => chars + key.length + value.length, 0), id).toBeLessThan(4096);
        expect(fn.Properties.Environment.Variables, id).toBeDefined();
      }
    });

    it('give the notifier every setting its email and Slack channels need', () => {
      const resources = template.toJSON().Resources as Resources;
      const config = loadLambdaConfig({ ...environmentOf(resources, logicalIdOf(stack, stack.approvals.notifications.notifier)), AWS_REGION: 'eu-west-1' });
      expect(() => awsChannelNotifier(config, { clock: systemClock })).not.toThrow();
      expect(config.SLACK_WEBHOOKS_SECRET_ARN).toMatch(/^arn:aws:secretsmanager:/);
    });
  });

  describe('template', () => {
    it('has no dependency cycle', () => {
      const resources = template.toJSON().Resources as Resources;
      const references = (node: unknown, found: Set<string>): Set<string> => {
        if (Array.isArray(node)) node.forEach((item) => references(item, found));
        else if (node && typeof node === 'object') {
          const value = node as Record<string, unknown>;
          if (typeof value.Ref === 'string' && value.Ref in resources) found.add(value.Ref);
          if (Array.isArray(value['Fn::GetAtt'])) found.add(String(value['Fn::GetAtt'][0]));
          Object.values(value).forEach((item) => references(item, found));
        }
        return found;
      };
      const edges = new Map(Object.entries(resources).map(([id, r]) => [id, [...references(r.Properties, new Set(r.DependsOn ?? []))]]));
      const state = new Map<string, 'visiting' | 'done'>();
      const cycles: string[] = [];
      const visit = (id: string, path: string[]) => {
        if (state.get(id) === 'done') return;
        if (state.get(id) === 'visiting') return void cycles.push([...path.slice(path.indexOf(id)), id].join(' -> '));
        state.set(id, 'visiting');
        for (const next of edges.get(id) ?? []) visit(next, [...path, id]);
        state.set(id, 'done');
      };
      for (const id of edges.keys()) visit(id, []);
      expect(cycles).toEqual([]);
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
      expect(group.Properties.RetentionInDays, id).toBe(365);
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
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) if (id.includes('AwsSolutions-')) acknowledged.set(id.replace(/\[.*$/, ''), reason);
      }
    }
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
    expect([...acknowledged.keys()].map((id) => id.replace(/^.*::/, '')).sort()).toEqual(
      ['AwsSolutions-APIG1', 'AwsSolutions-APIG3', 'AwsSolutions-APIG4', 'AwsSolutions-APIG6', 'AwsSolutions-COG4', 'AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-SMG4'],
    );
  });
});
