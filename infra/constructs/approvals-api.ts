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
  type MethodLoggingLevel,
  type Model,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { Function as LambdaFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { APPROVAL_ROUTES, duplicateRouteProblems, pathVariableProblems, routeKey, routeProblems, type ApiRoute } from './api-routes.ts';
import { acknowledgeRule } from './nag.ts';
import { assertNoProblems, urlProblems } from './prop-checks.ts';

export interface ApiThrottle {
  /** Steady-state requests per second for the whole stage. */
  readonly rateLimit: number;
  /** Requests the stage accepts in a burst. */
  readonly burstLimit: number;
}

export interface ApprovalsApiProps {
  /** The one function behind every route (Lambda proxy integration). */
  readonly handler: IFunction;
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
  /**
   * API Gateway execution logging. It needs the account-wide API Gateway CloudWatch role, which
   * this construct does not take over; set it when your account has that role.
   * @default - off (access logs and X-Ray traces are on)
   */
  readonly executionLogLevel?: MethodLoggingLevel;
  /** A WAFv2 web ACL (REGIONAL scope) to put in front of the stage. @default - none */
  readonly webAclArn?: string;
}

/**
 * The REST API approvers use: Cognito-authorized routes from a route table, all proxied to one
 * function, with body validation, stage throttling, access logs and X-Ray tracing.
 */
export class ApprovalsApi extends Construct {
  public readonly restApi: RestApi;
  public readonly authorizer: CognitoUserPoolsAuthorizer;
  public readonly accessLogs: LogGroup;
  public readonly stageName: string;
  /**
   * The stage's base URL without a trailing slash. Built from the API id rather than from the
   * stage, so the function behind the API can read it without a circular dependency.
   */
  public readonly publicBaseUrl: string;

  private readonly integration: LambdaIntegration;
  private readonly validator: RequestValidator;
  private readonly models = new Map<string, Model>();
  private readonly routeKeys = new Set<string>();
  private readonly routePaths: string[] = [];

  constructor(scope: Construct, id: string, props: ApprovalsApiProps) {
    super(scope, id);
    const routes = props.routes ?? APPROVAL_ROUTES;
    const throttle = props.throttle ?? { rateLimit: 20, burstLimit: 40 };
    this.stageName = props.stageName ?? 'v1';
    assertNoProblems(this, [
      ...routes.flatMap(routeProblems),
      ...duplicateRouteProblems(routes),
      ...pathVariableProblems(routes),
      ...urlProblems('corsOrigins', props.corsOrigins ?? [], 'origin'),
      ...(throttle.rateLimit > 0 && throttle.burstLimit > 0 ? [] : ['throttle limits must be positive']),
      ...(/^[A-Za-z0-9_]+$/.test(this.stageName) ? [] : [`stageName "${this.stageName}" may hold letters, digits and _ only`]),
    ]);

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.restApi = new RestApi(this, 'RestApi', {
      description: 'hitl-approvals: list, inspect and decide approval requests',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: false,
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
        loggingLevel: props.executionLogLevel,
        // Request and response bodies can hold personal data; never log them.
        dataTraceEnabled: false,
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
      },
    });
    this.publicBaseUrl = `https://${this.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${this.stageName}`;

    this.authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [props.userPool] });
    // One invoke permission for the whole API instead of one per method: every route reaches the
    // same function anyway.
    this.integration = new LambdaIntegration(props.handler, { proxy: true, scopePermissionToMethod: false });
    this.validator = new RequestValidator(this, 'Validator', {
      restApi: this.restApi,
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    for (const route of routes) this.addRoute(route);
    this.protectStage(props.webAclArn, props.executionLogLevel);
  }

  /** Adds one route to the API, proxied to the API function. */
  addRoute(route: ApiRoute): Method {
    const taken = this.routeKeys.has(routeKey(route)) ? [`route ${routeKey(route)} is listed twice`] : [];
    const variables = pathVariableProblems([...this.routePaths, route.path].map((path) => ({ path })));
    assertNoProblems(this, [...routeProblems(route), ...taken, ...variables]);
    this.routeKeys.add(routeKey(route));
    this.routePaths.push(route.path);
    const resource = this.restApi.root.resourceForPath(route.path);
    const pathParams = route.path.match(/\{[^}]+\}/g) ?? [];
    const method = resource.addMethod(route.method, this.integration, {
      ...(route.publicBecause
        ? { authorizationType: AuthorizationType.NONE }
        : route.authorization === 'iam'
          ? { authorizationType: AuthorizationType.IAM }
          : { authorizationType: AuthorizationType.COGNITO, authorizer: this.authorizer }),
      requestValidator: this.validator,
      requestParameters: Object.fromEntries(pathParams.map((param) => [`method.request.path.${param.slice(1, -1).replace('+', '')}`, true])),
      requestModels: route.body ? { 'application/json': this.model(route.body.name, route.body.schema) } : undefined,
    });
    if (route.authorization === 'iam') {
      acknowledgeRule(method, 'COG4', 'Agent-facing route: machine principals sign with IAM (SigV4), and API Gateway admits only those whose IAM policy allows execute-api:Invoke on it.');
    }
    if (route.publicBecause) {
      acknowledgeRule(method, 'APIG4', route.publicBecause);
      acknowledgeRule(method, 'COG4', route.publicBecause);
    }
    return method;
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

  private protectStage(webAclArn: string | undefined, executionLogLevel: MethodLoggingLevel | undefined): void {
    if (webAclArn) {
      new CfnWebACLAssociation(this, 'WebAcl', { resourceArn: this.restApi.deploymentStage.stageArn, webAclArn });
    } else {
      acknowledgeRule(
        this.restApi,
        'APIG3',
        'A WAF web ACL is billed per ACL and rule; the API already requires a Cognito token on every data route and throttles the stage. Pass `webAclArn` to attach one.',
      );
    }
    if (!executionLogLevel) {
      acknowledgeRule(
        this.restApi,
        'APIG6',
        'Execution logging needs the account-wide API Gateway CloudWatch role (a per-region singleton) that this construct must not take over in your account; access logs and X-Ray tracing cover each request. Set `executionLogLevel` when the account has the role.',
      );
    }
  }
}
