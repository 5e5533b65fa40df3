import { join } from 'node:path';
import { Annotations, Arn, ArnFormat, Duration, Resource, Stack, Token } from 'aws-cdk-lib';
import type { MethodLoggingLevel } from 'aws-cdk-lib/aws-apigateway';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type IStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { APPROVAL_ROUTES, CHANNEL_ROUTES, FLOW_ROUTES, GATE_ROUTES, GOVERNANCE_ROUTES, INBOX_ROUTES, TOOL_ROUTES, type ApiRoute } from './api-routes.ts';
import { ApprovalsApi, type AgentAuth, type ApiCloudWatchRole, type ApiThrottle } from './approvals-api.ts';
import { ApprovalsTable } from './approvals-table.ts';
import { ApproverPool } from './approver-pool.ts';
import { GateFunction } from './gate-function.ts';
import { entryOf, HitlFunction, type FunctionLogLevel, type FunctionNetwork, type HandlerSource } from './hitl-function.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { Notifications } from './notifications.ts';
import { assertNoProblems, emailProblems, integerProblems } from './prop-checks.ts';
import { SlackChannel } from './slack-channel.ts';
import { logRetentionFor, removalPolicyFor, STAGES, type Stage } from './stage.ts';
import { Sweeper } from './sweeper.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../function-timeouts.ts';
import { WebhookSigning } from './webhook-signing.ts';

export interface HitlApprovalsProps {
  /** `prod` retains data, logs and the user pool and turns on deletion protection. @default 'prod' */
  readonly stage?: Stage;
  /** The From address of approver emails (verified through SES on deploy). */
  readonly senderEmail: string;
  /**
   * Send as an SES identity that already exists in the region: `true` for `senderEmail`'s own, or a
   * verified domain identity covering it. See `NotificationsProps.reuseSenderIdentity`.
   * @default - a new email identity for `senderEmail`
   */
  readonly reuseSenderIdentity?: boolean | string;
  /** Cognito groups whose members approve. @default ['approvers'] */
  readonly approverGroups?: readonly string[];
  /** Cognito groups whose members administer: read everything, edit flows. @default ['admins'] */
  readonly adminGroups?: readonly string[];
  /** Cognito groups whose members read history, the audit log and statistics. @default ['auditors'] */
  readonly auditorGroups?: readonly string[];
  /** Days audit entries are kept (DynamoDB TTL on `expiresAt`). @default - kept until deleted */
  readonly auditRetentionDays?: number;
  /** Shards of each busy index partition; see `ApprovalsTableProps.indexShards`. @default 4 */
  readonly indexShards?: number;
  /** Shards readers look in; see `ApprovalsTableProps.indexReadShards`. @default indexShards */
  readonly indexReadShards?: number;
  /** Expiries the sweeper runs at once; see `SweeperProps.concurrency`. @default 16 */
  readonly sweepConcurrency?: number;
  /** Browser origins allowed to call the API. @default - no CORS */
  readonly corsOrigins?: readonly string[];
  /** Where the hosted UI returns approvers after sign-in. @default ['http://localhost:8080/callback'] */
  readonly callbackUrls?: readonly string[];
  /**
   * The table, when you keep stateful resources in a stack of their own.
   * @default - a new ApprovalsTable inside this construct
   */
  readonly table?: ApprovalsTable;
  /** Routes added after the standard ones (`APPROVAL_ROUTES`, `INBOX_ROUTES`, `GOVERNANCE_ROUTES`, `CHANNEL_ROUTES`, `FLOW_ROUTES`). @default [] */
  readonly additionalRoutes?: readonly ApiRoute[];
  /** Retention of every log group. @default - one month in dev, one year in prod */
  readonly logRetention?: RetentionDays;
  /** `LOG_LEVEL` of every function. @default 'INFO' */
  readonly logLevel?: FunctionLogLevel;
  /** API stage throttling. @default { rateLimit: 20, burstLimit: 40 } */
  readonly apiThrottle?: ApiThrottle;
  /** A WAFv2 web ACL to attach to the API stage. @default - none */
  readonly webAclArn?: string;
  /**
   * Where the API stage's logging role comes from (`create`, `existing` or `none`, see
   * `ApiCloudWatchRole`). With `none`, the API writes no access or execution logs, and synth warns.
   * @default 'none'
   */
  readonly apiCloudWatchRole?: ApiCloudWatchRole;
  /** API Gateway execution logging, with a role (`apiCloudWatchRole`). @default MethodLoggingLevel.ERROR with a role */
  readonly apiExecutionLogLevel?: MethodLoggingLevel;
  /** Cognito Plus plan with enforced threat protection. @default true */
  readonly threatProtection?: boolean;
  /** Hosted UI domain prefix. @default - `hitl-<stage>-<stack guid>` */
  readonly domainPrefix?: string;
  /**
   * A customer-managed KMS key for the table and every log group (Control Tower CT.DYNAMODB.PR.2,
   * CT.CLOUDWATCH.PR.3). A key created in the same app gets the key policy CloudWatch Logs needs; an
   * imported key's policy must already let `logs.<region>.amazonaws.com` use it.
   * @default - AWS owned keys (DynamoDB) and CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: IKey;
  /**
   * Run every function in this VPC (Control Tower CT.LAMBDA.PR.3). The subnets need a route to the
   * AWS services the functions call (NAT, or VPC endpoints for DynamoDB, Step Functions, Lambda, SES,
   * Secrets Manager, Cognito and, for Bedrock agents, Bedrock Runtime).
   * @default - outside any VPC
   */
  readonly network?: FunctionNetwork;
  /** Where the Lambda handlers come from. @default REPO_HANDLERS (this repository's `lambdas/entrypoints`) */
  readonly handlers?: HandlerSource;
  /**
   * Names of the Lambda durable functions (in this account and region) whose callbacks decisions may
   * complete (`"callback":{"type":"durable",...}`); see `allowDurableCallbacks`.
   * @default - none: a durable callback stays undelivered until a function is named
   */
  readonly durableFunctions?: readonly string[];
  /**
   * How agents authorize on the agent-facing routes (`POST /gates/{gateId}/requests`,
   * `GET /approvals/{id}/decision`): `iam` (SigV4), or `cognito`, an access token with the scope
   * `hitl/agents` from the client credentials grant; `cognito` adds that scope and an app client for
   * agents to the user pool (`approvers.agentClient`).
   * @default 'iam'
   */
  readonly agentAuth?: AgentAuth;
}

/**
 * The whole approvals system in one construct: the table, the approver user pool, the API and its
 * function, the gate function, the sweeper, the notifications (email) and the Slack channel's
 * secrets. Workflows join with `HitlWorkflow`, which calls `allowTaskResponses` for its state
 * machine; flow graphs join with `HitlFlows`.
 *
 * @example
 * const approvals = new HitlApprovals(stack, 'Approvals', { stage: 'prod', senderEmail: 'approvals@acme.com' });
 * new HitlWorkflow(stack, 'Refunds', { approvals, definition: refundsAsl, functions: { AgentFunctionArn: agent } });
 */
export class HitlApprovals extends Construct {
  public readonly stage: Stage;
  public readonly table: ApprovalsTable;
  public readonly approvers: ApproverPool;
  public readonly notifications: Notifications;
  public readonly slack: SlackChannel;
  public readonly gate: GateFunction;
  public readonly apiFunction: HitlFunction;
  /**
   * Serves the decision path (listing, reading and deciding requests; see
   * lambdas/handlers/api/route-functions.ts): a lean bundle whose cold start an approver's click
   * waits on, with only the grants deciding needs.
   */
  public readonly decisionFunction: HitlFunction;
  public readonly api: ApprovalsApi;
  public readonly sweeper: Sweeper;
  /** The key decisions delivered to agents' webhooks are signed with. */
  public readonly webhookSigning: WebhookSigning;
  public readonly logRetention: RetentionDays;
  /** The customer-managed key of the table and the log groups, when one is given. */
  public readonly encryptionKey?: IKey;
  /** The VPC the functions run in, when one is given. */
  public readonly network?: FunctionNetwork;

  constructor(scope: Construct, id: string, props: HitlApprovalsProps) {
    super(scope, id);
    this.stage = props.stage ?? 'prod';
    assertNoProblems(this, [
      ...(STAGES.includes(this.stage) ? [] : [`stage must be one of ${STAGES.join(', ')} (got "${this.stage}")`]),
      ...emailProblems('senderEmail', props.senderEmail),
      ...integerProblems('auditRetentionDays', props.auditRetentionDays, 1, 36_500),
      ...(props.table && props.auditRetentionDays !== undefined ? ['auditRetentionDays belongs on the ApprovalsTable you pass as table'] : []),
      ...(props.table && (props.indexShards !== undefined || props.indexReadShards !== undefined) ? ['indexShards and indexReadShards belong on the ApprovalsTable you pass as table'] : []),
    ]);
    const removalPolicy = removalPolicyFor(this.stage);
    this.logRetention = props.logRetention ?? logRetentionFor(this.stage);
    this.encryptionKey = props.encryptionKey;
    this.network = props.network;
    if (props.encryptionKey) allowLogsToUse(props.encryptionKey);
    // How every function of the construct logs and where it runs.
    const functionOperations = {
      logRetention: this.logRetention,
      logRemovalPolicy: removalPolicy,
      logLevel: props.logLevel,
      logEncryptionKey: props.encryptionKey,
      network: props.network,
    };
    const functionDefaults = { ...functionOperations, handlers: props.handlers };

    // Stateful.
    this.table =
      props.table ??
      new ApprovalsTable(this, 'Table', {
        stage: this.stage,
        auditRetentionDays: props.auditRetentionDays,
        encryptionKey: props.encryptionKey,
        indexShards: props.indexShards,
        indexReadShards: props.indexReadShards,
      });
    this.approvers = new ApproverPool(this, 'Approvers', {
      stage: this.stage,
      approverGroups: props.approverGroups,
      adminGroups: props.adminGroups,
      auditorGroups: props.auditorGroups,
      callbackUrls: props.callbackUrls,
      domainPrefix: props.domainPrefix,
      threatProtection: props.threatProtection,
      agentClient: props.agentAuth === 'cognito',
    });

    // Stateless.
    this.notifications = new Notifications(this, 'Notifications', {
      ...functionDefaults,
      table: this.table,
      senderEmail: props.senderEmail,
      reuseSenderIdentity: props.reuseSenderIdentity,
      secretRemovalPolicy: removalPolicy,
    });
    this.slack = new SlackChannel(this, 'Slack', { secretRemovalPolicy: removalPolicy });
    this.slack.bindWebhooks(this.notifications.notifier);
    this.gate = new GateFunction(this, 'Gate', { ...functionDefaults, table: this.table });
    this.notifications.bindNotifier(this.gate);

    const apiEntry = entryOf(props.handlers, 'api');
    this.apiFunction = new HitlFunction(this, 'ApiFunction', {
      ...apiEntry,
      // The flow files, read at cold start to record what `cdk deploy` deployed (lambdas/entrypoints/flow-seeding.ts).
      bundledFolders: { flows: join(apiEntry.projectRoot, 'statemachines', 'flows') },
      // The dashboard page (`GET /`) serves the browser code built from web/ beside the bundle.
      withDashboard: true,
      description: 'hitl-approvals API: lists, shows and decides approval requests',
      memorySize: 512,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.api),
      ...functionOperations,
    });
    this.table.bindDecisionMaker(this.apiFunction);
    this.table.grantLinkNonceCleanup(this.apiFunction);
    this.table.grantDelegationEnd(this.apiFunction);
    this.notifications.bindSenderAddress(this.apiFunction);
    this.notifications.bindLinkSecret(this.apiFunction);
    this.slack.bindSigningSecret(this.apiFunction);
    this.approvers.bindDirectory(this.apiFunction);
    this.approvers.bindHostedUi(this.apiFunction);
    this.approvers.bindRoleGroups(this.apiFunction);
    this.approvers.bindDirectory(this.notifications.notifier);

    this.decisionFunction = new HitlFunction(this, 'DecisionFunction', {
      ...entryOf(props.handlers, 'decisions'),
      description: 'hitl-approvals decisions: lists, shows and decides approval requests',
      memorySize: 512,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.decisions),
      ...functionOperations,
    });
    // Reading and deciding requests, with delegates looked up in the user pool; no deletes, no
    // secrets but the audit key and the webhook signing key, no function to invoke.
    this.table.bindDecisionMaker(this.decisionFunction);
    this.approvers.bindDirectory(this.decisionFunction);
    this.approvers.bindRoleGroups(this.decisionFunction);

    this.api = new ApprovalsApi(this, 'Api', {
      handler: this.apiFunction,
      decisionHandler: this.decisionFunction,
      userPool: this.approvers.userPool,
      routes: [...APPROVAL_ROUTES, ...INBOX_ROUTES, ...GOVERNANCE_ROUTES, ...CHANNEL_ROUTES, ...FLOW_ROUTES, ...GATE_ROUTES, ...TOOL_ROUTES, ...(props.additionalRoutes ?? [])],
      corsOrigins: props.corsOrigins,
      throttle: props.apiThrottle,
      logRetention: this.logRetention,
      logRemovalPolicy: removalPolicy,
      logEncryptionKey: props.encryptionKey,
      cloudWatchRole: props.apiCloudWatchRole,
      executionLogLevel: props.apiExecutionLogLevel,
      webAclArn: props.webAclArn,
      agentAuth: props.agentAuth,
      ...(this.approvers.agentScope ? { agentScopes: [this.approvers.agentScope.scopeName] } : {}),
    });
    Annotations.of(this.api).addWarningV2('hitl-approvals:api-logging', this.api.loggingNotice);
    this.api.bindPublicBaseUrl(this.apiFunction);
    this.api.bindPublicBaseUrl(this.notifications.notifier);
    // The API's dashboard page (`GET /`) signs approvers in through the hosted UI (authorization
    // code with PKCE) and returns there, after sign-in and after sign-out.
    this.approvers.allowCallbackUrl(`${this.api.publicBaseUrl}/`);

    this.sweeper = new Sweeper(this, 'Sweeper', { ...functionDefaults, table: this.table, concurrency: props.sweepConcurrency });
    this.notifications.bindNotifier(this.sweeper.function);
    this.sweeper.bindSlackFollowUps(this.apiFunction);
    this.webhookSigning = new WebhookSigning(this, 'WebhookSigning', { secretRemovalPolicy: removalPolicy });
    this.webhookSigning.bindSigner(this.apiFunction);
    this.webhookSigning.bindSigner(this.decisionFunction);
    this.webhookSigning.bindSigner(this.sweeper.function);
    for (const name of props.durableFunctions ?? []) this.allowDurableCallbacks(name);
  }

  /**
   * The functions that deliver decisions to waiting workflows: the decision function (the
   * approvers' clicks), the API function (email links, Slack) and the sweeper (timeouts, retries).
   */
  get decisionDeliverers(): readonly HitlFunction[] {
    return [this.apiFunction, this.decisionFunction, this.sweeper.function];
  }

  /**
   * Lets the API, the decision function and the sweeper, the functions that deliver decisions, complete the callbacks of the
   * Lambda durable function `fn` (SendDurableExecutionCallbackSuccess / Failure), and of no other
   * function. A function of another stack (or given by name) is granted by its literal name in this
   * stack's account and region, so this stack never refers to it (it refers to this API).
   */
  allowDurableCallbacks(fn: IFunction | string): void {
    const sameStack = typeof fn !== 'string' && Stack.of(fn) === Stack.of(this);
    const name = typeof fn === 'string' ? fn : sameStack ? fn.functionName : literalFunctionNameOf(fn);
    assertNoProblems(this, sameStack || (name && /^[\w-]{1,64}$/.test(name)) ? [] : [
      `durable function ${typeof fn === 'string' ? fn : fn.node.path} needs a name known at synth time (1-64 letters, digits, - or _)`,
    ]);
    const functionArn = sameStack
      ? (fn as IFunction).functionArn
      : Stack.of(this).formatArn({ service: 'lambda', resource: 'function', resourceName: name!, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    for (const deliverer of this.decisionDeliverers) {
      deliverer.addEnvironment('DURABLE_CALLBACKS', 'on');
      deliverer.addToRolePolicy(
        new PolicyStatement({
          actions: ['lambda:SendDurableExecutionCallbackSuccess', 'lambda:SendDurableExecutionCallbackFailure'],
          // A durable execution runs a published version or alias of the function: `<arn>:*`.
          resources: [functionArn, `${functionArn}:*`],
        }),
      );
      acknowledgeWildcardResource(deliverer.executionRole, `${functionArn}:*`, 'Durable executions run a version or alias of the function; the wildcard covers the qualifiers of this one function only.');
    }
  }

  /**
   * Lets the gate function answer task tokens (SendTaskSuccess) of the state machine named
   * `stateMachineName` and its executions: a gate state retried after its request was decided gets
   * the earlier decision on its new token from the gate itself. Built from the name because the state
   * machine refers to the gate function; a reference back would be a dependency cycle.
   */
  allowGateHandOver(stateMachineName: string): void {
    const { machine, executions } = stateMachineArns(this, stateMachineName);
    this.gate.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [machine, executions] }));
    acknowledgeWildcardResource(
      this.gate.executionRole,
      executions,
      'A retried gate hands an earlier decision to its new task token; tokens belong to executions named at start time, and the wildcard covers the executions of one state machine whose gate this is.',
    );
  }

  /**
   * Lets the decision deliverers (API, decision function, sweeper) answer task tokens (SendTaskSuccess / SendTaskFailure) of
   * `stateMachine` and its executions, and of nothing else. A state machine in another stack (or
   * imported, or given by name) is granted by its literal name in this stack's account and region, so
   * this stack never refers to that one: its gate states refer to this stack's gate function, and a
   * reference back would be a dependency cycle.
   */
  allowTaskResponses(stateMachine: IStateMachine | string): void {
    const { machine, executions } = this.tokenArns(stateMachine);
    for (const fn of this.decisionDeliverers) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: [machine, executions],
        }),
      );
      acknowledgeWildcardResource(
        fn.executionRole,
        executions,
        'Task tokens belong to executions whose names are chosen at run time; the wildcard covers the executions of this one state machine only.',
      );
    }
  }

  private tokenArns(stateMachine: IStateMachine | string): { machine: string; executions: string } {
    if (stateMachine instanceof StateMachine && Stack.of(stateMachine) === Stack.of(this)) {
      const executions = Stack.of(this).formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${stateMachine.stateMachineName}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      return { machine: stateMachine.stateMachineArn, executions };
    }
    const name = typeof stateMachine === 'string' ? stateMachine : literalNameOf(stateMachine);
    assertNoProblems(this, name && !Token.isUnresolved(name) ? [] : [
      `state machine ${typeof stateMachine === 'string' ? stateMachine : stateMachine.node.path} has no name known at synth time: give it a stateMachineName, so that this stack can grant by name without referring to it`,
    ]);
    return stateMachineArns(this, name!);
  }
}

/** The ARNs of the state machine `name` in this stack's account and region, and of its executions. */
export function stateMachineArns(scope: Construct, name: string): { machine: string; executions: string } {
  const stack = Stack.of(scope);
  return {
    machine: stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    executions: stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
  };
}

/**
 * CloudWatch Logs encrypts with a customer-managed key only when the key policy lets the regional
 * service principal use it, for log groups of this account and region. No-op on an imported key.
 */
function allowLogsToUse(key: IKey): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      },
    }),
  );
}

/** A function's name when its literal ARN gives it at synth time. */
function literalFunctionNameOf(fn: IFunction): string | undefined {
  if (!Token.isUnresolved(fn.functionName)) return fn.functionName;
  if (!Token.isUnresolved(fn.functionArn)) return Arn.split(fn.functionArn, ArnFormat.COLON_RESOURCE_NAME).resourceName;
  return undefined;
}

/** A state machine's name when synth knows it: its own, the one it was created with, or the one in its literal ARN. */
function literalNameOf(stateMachine: IStateMachine): string | undefined {
  const physical = stateMachine instanceof Resource ? (stateMachine as unknown as { physicalName: string }).physicalName : undefined;
  if (physical && !Token.isUnresolved(physical)) return physical;
  if (!Token.isUnresolved(stateMachine.stateMachineArn)) return Arn.split(stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName;
  return undefined;
}
