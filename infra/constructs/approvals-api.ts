import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  Cors,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  type JsonSchema,
  type Method,
  MethodLoggingLevel,
  type Model,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { Function as LambdaFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { APPROVAL_ROUTES, duplicateRouteProblems, pathVariableProblems, routeKey, routeProblems, type ApiRoute } from './api-routes.ts';
import { functionServing } from '#handlers/api/route-functions';
import { acknowledgeControl, acknowledgeLogGroupControls } from './control-tower.ts';
import { acknowledgeRule } from './nag.ts';
import { assertNoProblems, urlProblems } from './prop-checks.ts';

export interface ApiThrottle {
  /** Steady-state requests per second for the whole stage. */
  readonly rateLimit: number;
  /** Requests the stage accepts in a burst. */
  readonly burstLimit: number;
}

/**
 * How the stage gets the account's API Gateway CloudWatch role, which API Gateway needs before a
 * stage may write access or execution logs (one role per account and region, set in the account
 * settings):
 * - `create`: this construct creates the role and sets it in the account settings
 *   (`AWS::ApiGateway::Account`); the setting stays when the stack is deleted.
 * - `existing`: the account settings already name a role (set once by you or another stack).
 * - `none`: no role, so the stage writes no logs (a fresh account can deploy it as is).
 */
export type ApiCloudWatchRole = 'create' | 'existing' | 'none';

export const API_CLOUDWATCH_ROLES: readonly ApiCloudWatchRole[] = ['create', 'existing', 'none'];

export interface ApprovalsApiProps {
  /** The one function behind every route (Lambda proxy integration). */
  readonly handler: IFunction;
  /**
   * The function serving the decision path: the routes `functionServing` gives to `decisions`
   * (listing, reading and deciding requests), so that an approver's click never waits on the larger
   * API bundle's cold start.
   * @default - `handler` serves every route
   */
  readonly decisionHandler?: IFunction;
  /** Whose tokens the authorizer accepts. */
  readonly userPool: IUserPool;
  /** @default APPROVAL_ROUTES */
  readonly routes?: readonly ApiRoute[];
  /** Browser origins allowed to call the API (adds CORS preflight). @default - no CORS */
  readonly corsOrigins?: readonly string[];
  /** @default { rateLimit: 20, burstLimit: 40 } */
  readonly throttle?: ApiThrottle;
  /** @default 'v1' */
  readonly stageName?: string;
  /** Retention of the access log group. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** A customer-managed KMS key for the access log group. @default - CloudWatch Logs' own encryption */
  readonly logEncryptionKey?: IKey;
  /**
   * Where the stage's logging role comes from. Access and execution logs are on only with a role.
   * @default 'none' - no access or execution logs (X-Ray traces and metrics stay on)
   */
  readonly cloudWatchRole?: ApiCloudWatchRole;
  /**
   * API Gateway execution logging, with `cloudWatchRole` `create` or `existing`.
   * @default MethodLoggingLevel.ERROR when there is a role
   */
  readonly executionLogLevel?: MethodLoggingLevel;
  /** A WAFv2 web ACL (REGIONAL scope) to put in front of the stage. @default - none */
  readonly webAclArn?: string;
  /**
   * How agents authorize on the agent-facing routes (`authorization: 'iam'`): `iam` (SigV4), or
   * `cognito`, an access token of the user pool with `agentScopes` (client credentials). API Gateway
   * takes one authorizer per method, so it is one or the other.
   * @default 'iam'
   */
  readonly agentAuth?: AgentAuth;
  /** With `agentAuth: 'cognito'`: the scopes an agent's access token needs (e.g. `hitl/agents`). */
  readonly agentScopes?: readonly string[];
}

/** How agents authorize on the agent-facing routes. */
export type AgentAuth = 'iam' | 'cognito';

/**
 * The REST API approvers use: Cognito-authorized routes from a route table, all proxied to one
 * function, with body validation, stage throttling, access logs and X-Ray tracing.
 */
export class ApprovalsApi extends Construct {
  public readonly restApi: RestApi;
  public readonly authorizer: CognitoUserPoolsAuthorizer;
  /** The access log group, when the stage writes logs (`cloudWatchRole` `create` or `existing`). */
  public readonly accessLogs?: LogGroup;
  public readonly stageName: string;
  /** Where the stage's logging role comes from. */
  public readonly cloudWatchRole: ApiCloudWatchRole;
  /** What the deployer should know about the API's logging (shown as a synth warning). */
  public readonly loggingNotice: string;
  /**
   * The stage's base URL without a trailing slash. Built from the API id rather than from the
   * stage, so the function behind the API can read it without a circular dependency.
   */
  public readonly publicBaseUrl: string;

  private readonly integration: LambdaIntegration;
  private readonly decisionIntegration?: LambdaIntegration;
  private readonly validator: RequestValidator;
  private readonly models = new Map<string, Model>();
  private readonly routeKeys = new Set<string>();
  private readonly routePaths: string[] = [];
  /** How agents authorize on the agent-facing routes. */
  public readonly agentAuth: AgentAuth;
  private readonly agentScopes: readonly string[];

  constructor(scope: Construct, id: string, props: ApprovalsApiProps) {
    super(scope, id);
    const routes = props.routes ?? APPROVAL_ROUTES;
    const throttle = props.throttle ?? { rateLimit: 20, burstLimit: 40 };
    this.stageName = props.stageName ?? 'v1';
    this.cloudWatchRole = props.cloudWatchRole ?? 'none';
    const logs = this.cloudWatchRole !== 'none';
    this.agentAuth = props.agentAuth ?? 'iam';
    this.agentScopes = props.agentScopes ?? [];
    assertNoProblems(this, [
      ...(['iam', 'cognito'].includes(this.agentAuth) ? [] : [`agentAuth must be iam or cognito (got "${this.agentAuth}")`]),
      ...(this.agentAuth === 'cognito' && this.agentScopes.length === 0 ? ['agentAuth cognito needs agentScopes: without a scope any token of the pool would pass as an agent'] : []),
      ...(API_CLOUDWATCH_ROLES.includes(this.cloudWatchRole) ? [] : [`cloudWatchRole must be one of ${API_CLOUDWATCH_ROLES.join(', ')} (got "${this.cloudWatchRole}")`]),
      ...(props.executionLogLevel && !logs ? ['executionLogLevel needs cloudWatchRole "create" or "existing": API Gateway writes no logs without the account role'] : []),
      ...routes.flatMap(routeProblems),
      ...duplicateRouteProblems(routes),
      ...pathVariableProblems(routes),
      ...urlProblems('corsOrigins', props.corsOrigins ?? [], 'origin'),
      ...(throttle.rateLimit > 0 && throttle.burstLimit > 0 ? [] : ['throttle limits must be positive']),
      ...(/^[A-Za-z0-9_]+$/.test(this.stageName) ? [] : [`stageName "${this.stageName}" may hold letters, digits and _ only`]),
    ]);

    const retention = props.logRetention ?? RetentionDays.ONE_MONTH;
    this.accessLogs = logs
      ? new LogGroup(this, 'AccessLogs', {
          retention,
          removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
          encryptionKey: props.logEncryptionKey,
        })
      : undefined;
    if (this.accessLogs) acknowledgeLogGroupControls(this.accessLogs, retention, props.logEncryptionKey !== undefined);
    const executionLogLevel = logs ? (props.executionLogLevel ?? MethodLoggingLevel.ERROR) : undefined;
    this.loggingNotice = LOGGING_NOTICES[this.cloudWatchRole];
    this.restApi = new RestApi(this, 'RestApi', {
      description: 'hitl-approvals: list, inspect and decide approval requests',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // `create` adds the role and AWS::ApiGateway::Account; the account setting outlives the stack,
      // since other APIs in the account and region may rely on it by then.
      cloudWatchRole: this.cloudWatchRole === 'create',
      cloudWatchRoleRemovalPolicy: this.cloudWatchRole === 'create' ? RemovalPolicy.RETAIN : undefined,
      defaultCorsPreflightOptions: props.corsOrigins?.length
        ? {
            allowOrigins: [...props.corsOrigins],
            allowMethods: Cors.ALL_METHODS,
            // X-Hitl-Channel: the dashboard marks its decisions (api or dashboard).
            allowHeaders: ['Authorization', 'Content-Type', 'X-Hitl-Channel'],
          }
        : undefined,
      deployOptions: {
        stageName: this.stageName,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: executionLogLevel,
        // Request and response bodies can hold personal data; never log them.
        dataTraceEnabled: false,
        ...(this.accessLogs
          ? {
              accessLogDestination: new LogGroupLogDestination(this.accessLogs),
              accessLogFormat: AccessLogFormat.jsonWithStandardFields({
                caller: false,
                httpMethod: true,
                ip: true,
                protocol: true,
                requestTime: true,
                resourcePath: true,
                responseLength: true,
                status: true,
                user: true,
              }),
            }
          : {}),
      },
    });
    this.publicBaseUrl = `https://${this.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${this.stageName}`;

    this.authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [props.userPool] });
    // One invoke permission per function for the whole API instead of one per method.
    this.integration = new LambdaIntegration(props.handler, { proxy: true, scopePermissionToMethod: false });
    this.decisionIntegration = props.decisionHandler && new LambdaIntegration(props.decisionHandler, { proxy: true, scopePermissionToMethod: false });
    acknowledgeControl(
      this.restApi,
      'CT.LAMBDA.PR.2',
      "The invoke permission names apigateway.amazonaws.com with a SourceArn of this API's execute-api ARN (every stage, method and path of this one API). The rule accepts only a literal string or a same-template reference there, and the ARN is built with Fn::Join from the API id; a SourceAccount would be AWS::AccountId, also not a literal. The permission is scoped as the control intends.",
    );
    this.validator = new RequestValidator(this, 'Validator', {
      restApi: this.restApi,
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    for (const route of routes) this.addRoute(route);
    this.protectStage(props.webAclArn, logs);
  }

  /** Adds one route to the API, proxied to the function the route table says serves it (`functionServing`). */
  addRoute(route: ApiRoute): Method {
    const taken = this.routeKeys.has(routeKey(route)) ? [`route ${routeKey(route)} is listed twice`] : [];
    const variables = pathVariableProblems([...this.routePaths, route.path].map((path) => ({ path })));
    assertNoProblems(this, [...routeProblems(route), ...taken, ...variables]);
    this.routeKeys.add(routeKey(route));
    this.routePaths.push(route.path);
    const resource = this.restApi.root.resourceForPath(route.path);
    const pathParams = route.path.match(/\{[^}]+\}/g) ?? [];
    const integration = this.decisionIntegration && functionServing(route) === 'decisions' ? this.decisionIntegration : this.integration;
    const method = resource.addMethod(route.method, integration, {
      ...(route.publicBecause
        ? { authorizationType: AuthorizationType.NONE }
        : route.authorization === 'iam'
          ? this.agentAuthorization()
          : { authorizationType: AuthorizationType.COGNITO, authorizer: this.authorizer }),
      requestValidator: this.validator,
      requestParameters: Object.fromEntries(pathParams.map((param) => [`method.request.path.${param.slice(1, -1).replace('+', '')}`, true])),
      requestModels: route.body ? { 'application/json': this.model(route.body.name, route.body.schema) } : undefined,
    });
    if (route.authorization === 'iam' && this.agentAuth === 'iam') {
      acknowledgeRule(method, 'COG4', 'Agent-facing route: machine principals sign with IAM (SigV4), and API Gateway admits only those whose IAM policy allows execute-api:Invoke on it.');
    }
    if (route.publicBecause) {
      acknowledgeRule(method, 'APIG4', route.publicBecause);
      acknowledgeRule(method, 'COG4', route.publicBecause);
    }
    return method;
  }

  /** The agent-facing routes' authorizer: IAM, or the Cognito authorizer requiring the agents' scopes (an access token). */
  private agentAuthorization() {
    if (this.agentAuth === 'iam') return { authorizationType: AuthorizationType.IAM };
    return { authorizationType: AuthorizationType.COGNITO, authorizer: this.authorizer, authorizationScopes: [...this.agentScopes] };
  }

  /** Sets `PUBLIC_BASE_URL` on `fn`, so emails and pages can link back to this API. */
  bindPublicBaseUrl(fn: LambdaFunction): void {
    fn.addEnvironment('PUBLIC_BASE_URL', this.publicBaseUrl);
  }

  private model(name: string, schema: JsonSchema): Model {
    const existing = this.models.get(name);
    if (existing) return existing;
    const model = this.restApi.addModel(name, { modelName: name, contentType: 'application/json', schema });
    this.models.set(name, model);
    return model;
  }

  private protectStage(webAclArn: string | undefined, logs: boolean): void {
    if (webAclArn) {
      new CfnWebACLAssociation(this, 'WebAcl', { resourceArn: this.restApi.deploymentStage.stageArn, webAclArn });
    } else {
      acknowledgeRule(
        this.restApi,
        'APIG3',
        'A WAF web ACL is billed per ACL and rule; the API already requires a Cognito token on every data route and throttles the stage. Pass `webAclArn` to attach one.',
      );
    }
    if (!logs) {
      const reason =
        'API Gateway logs need the account-wide API Gateway CloudWatch role (one per account and region), which a fresh account lacks and which this construct takes over only when told to (`cloudWatchRole: create`); X-Ray traces and stage metrics cover each request meanwhile.';
      acknowledgeRule(this.restApi, 'APIG1', reason);
      acknowledgeRule(this.restApi, 'APIG6', reason);
      acknowledgeControl(this.restApi, 'CT.APIGATEWAY.PR.1', `${reason} Deploy with -c apiCloudWatchRole=create or existing to meet the control.`);
    }
  }
}

const LOGGING_NOTICES: Readonly<Record<ApiCloudWatchRole, string>> = {
  create:
    'API access and execution logs are on: the stack creates the API Gateway CloudWatch role and sets it in the account settings of this region (kept when the stack is deleted).',
  existing:
    "API access and execution logs are on, using the API Gateway CloudWatch role already set in this account and region's settings; the deploy fails if there is none.",
  none:
    'API access and execution logs are off: this account and region may have no API Gateway CloudWatch role. Deploy with -c apiCloudWatchRole=create to create it, or -c apiCloudWatchRole=existing if the account settings already name one.',
};
