import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { MethodLoggingLevel } from 'aws-cdk-lib/aws-apigateway';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { APPROVAL_ROUTES, CHANNEL_ROUTES, FLOW_ROUTES, GATE_ROUTES, GOVERNANCE_ROUTES, TOOL_ROUTES, type ApiRoute } from './api-routes.ts';
import { ApprovalsApi, type ApiThrottle } from './approvals-api.ts';
import { ApprovalsTable } from './approvals-table.ts';
import { ApproverPool } from './approver-pool.ts';
import { GateFunction } from './gate-function.ts';
import { entryOf, HitlFunction, type FunctionLogLevel, type HandlerSource } from './hitl-function.ts';
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
  /** Cognito groups whose members approve. @default ['approvers'] */
  readonly approverGroups?: readonly string[];
  /** Cognito groups whose members administer: read everything, edit flows. @default ['admins'] */
  readonly adminGroups?: readonly string[];
  /** Cognito groups whose members read history, the audit log and statistics. @default ['auditors'] */
  readonly auditorGroups?: readonly string[];
  /** Days audit entries are kept (DynamoDB TTL on `expiresAt`). @default - kept until deleted */
  readonly auditRetentionDays?: number;
  /** Browser origins allowed to call the API. @default - no CORS */
  readonly corsOrigins?: readonly string[];
  /** Where the hosted UI returns approvers after sign-in. @default ['http://localhost:8080/callback'] */
  readonly callbackUrls?: readonly string[];
  /**
   * The table, when you keep stateful resources in a stack of their own.
   * @default - a new ApprovalsTable inside this construct
   */
  readonly table?: ApprovalsTable;
  /** Routes added after the standard ones (`APPROVAL_ROUTES`, `GOVERNANCE_ROUTES`, `CHANNEL_ROUTES`, `FLOW_ROUTES`). @default [] */
  readonly additionalRoutes?: readonly ApiRoute[];
  /** Retention of every log group. @default - one month in dev, six months in prod */
  readonly logRetention?: RetentionDays;
  /** `LOG_LEVEL` of every function. @default 'INFO' */
  readonly logLevel?: FunctionLogLevel;
  /** API stage throttling. @default { rateLimit: 20, burstLimit: 40 } */
  readonly apiThrottle?: ApiThrottle;
  /** A WAFv2 web ACL to attach to the API stage. @default - none */
  readonly webAclArn?: string;
  /** API Gateway execution logging (needs the account's API Gateway CloudWatch role). @default - off */
  readonly apiExecutionLogLevel?: MethodLoggingLevel;
  /** Cognito Plus plan with enforced threat protection. @default true */
  readonly threatProtection?: boolean;
  /** Hosted UI domain prefix. @default - `hitl-<stage>-<stack guid>` */
  readonly domainPrefix?: string;
  /** Where the Lambda handlers come from. @default REPO_HANDLERS (this repository's `lambdas/entrypoints`) */
  readonly handlers?: HandlerSource;
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
  public readonly api: ApprovalsApi;
  public readonly sweeper: Sweeper;
  /** The key decisions delivered to agents' webhooks are signed with. */
  public readonly webhookSigning: WebhookSigning;
  public readonly logRetention: RetentionDays;

  constructor(scope: Construct, id: string, props: HitlApprovalsProps) {
    super(scope, id);
    this.stage = props.stage ?? 'prod';
    assertNoProblems(this, [
      ...(STAGES.includes(this.stage) ? [] : [`stage must be one of ${STAGES.join(', ')} (got "${this.stage}")`]),
      ...emailProblems('senderEmail', props.senderEmail),
      ...integerProblems('auditRetentionDays', props.auditRetentionDays, 1, 36_500),
      ...(props.table && props.auditRetentionDays !== undefined ? ['auditRetentionDays belongs on the ApprovalsTable you pass as table'] : []),
    ]);
    const removalPolicy = removalPolicyFor(this.stage);
    this.logRetention = props.logRetention ?? logRetentionFor(this.stage);
    const functionDefaults = { logRetention: this.logRetention, logRemovalPolicy: removalPolicy, logLevel: props.logLevel, handlers: props.handlers };

    // Stateful.
    this.table = props.table ?? new ApprovalsTable(this, 'Table', { stage: this.stage, auditRetentionDays: props.auditRetentionDays });
    this.approvers = new ApproverPool(this, 'Approvers', {
      stage: this.stage,
      approverGroups: props.approverGroups,
      adminGroups: props.adminGroups,
      auditorGroups: props.auditorGroups,
      callbackUrls: props.callbackUrls,
      domainPrefix: props.domainPrefix,
      threatProtection: props.threatProtection,
    });

    // Stateless.
    this.notifications = new Notifications(this, 'Notifications', {
      ...functionDefaults,
      table: this.table,
      senderEmail: props.senderEmail,
      secretRemovalPolicy: removalPolicy,
    });
    this.slack = new SlackChannel(this, 'Slack', { secretRemovalPolicy: removalPolicy });
    this.slack.bindWebhooks(this.notifications.notifier);
    this.gate = new GateFunction(this, 'Gate', { ...functionDefaults, table: this.table });
    this.notifications.bindNotifier(this.gate);

    this.apiFunction = new HitlFunction(this, 'ApiFunction', {
      ...entryOf(props.handlers, 'api'),
      description: 'hitl-approvals API: lists, shows and decides approval requests',
      memorySize: 512,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.api),
      logRetention: this.logRetention,
      logRemovalPolicy: removalPolicy,
      logLevel: props.logLevel,
    });
    this.table.bindDecisionMaker(this.apiFunction);
    this.table.grantLinkNonceCleanup(this.apiFunction);
    this.notifications.bindSenderAddress(this.apiFunction);
    this.notifications.bindLinkSecret(this.apiFunction);
    this.slack.bindSigningSecret(this.apiFunction);
    this.approvers.bindDirectory(this.apiFunction);
    this.approvers.bindHostedUi(this.apiFunction);
    this.approvers.bindRoleGroups(this.apiFunction);
    this.approvers.bindDirectory(this.notifications.notifier);

    this.api = new ApprovalsApi(this, 'Api', {
      handler: this.apiFunction,
      userPool: this.approvers.userPool,
      routes: [...APPROVAL_ROUTES, ...GOVERNANCE_ROUTES, ...CHANNEL_ROUTES, ...FLOW_ROUTES, ...GATE_ROUTES, ...TOOL_ROUTES, ...(props.additionalRoutes ?? [])],
      corsOrigins: props.corsOrigins,
      throttle: props.apiThrottle,
      logRetention: this.logRetention,
      logRemovalPolicy: removalPolicy,
      executionLogLevel: props.apiExecutionLogLevel,
      webAclArn: props.webAclArn,
    });
    this.api.bindPublicBaseUrl(this.apiFunction);
    this.api.bindPublicBaseUrl(this.notifications.notifier);
    // The API's dashboard page (`GET /`) signs approvers in through the hosted UI (authorization
    // code with PKCE) and returns there, after sign-in and after sign-out.
    this.approvers.allowCallbackUrl(`${this.api.publicBaseUrl}/`);

    this.sweeper = new Sweeper(this, 'Sweeper', { ...functionDefaults, table: this.table });
    this.notifications.bindNotifier(this.sweeper.function);
    this.sweeper.bindSlackFollowUps(this.apiFunction);
    this.webhookSigning = new WebhookSigning(this, 'WebhookSigning', { secretRemovalPolicy: removalPolicy });
    this.webhookSigning.bindSigner(this.apiFunction);
    this.webhookSigning.bindSigner(this.sweeper.function);
  }

  /**
   * Lets the API and the sweeper answer task tokens (SendTaskSuccess / SendTaskFailure) of
   * `stateMachine` and its executions, and of nothing else.
   */
  allowTaskResponses(stateMachine: StateMachine): void {
    const executions = Stack.of(stateMachine).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    for (const fn of [this.apiFunction, this.sweeper.function]) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: [stateMachine.stateMachineArn, executions],
        }),
      );
      acknowledgeWildcardResource(
        fn.executionRole,
        executions,
        'Task tokens belong to executions whose names are chosen at run time; the wildcard covers the executions of this one state machine only.',
      );
    }
  }
}
