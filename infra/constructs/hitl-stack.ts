import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { Flow } from '#core/flow';
import { loadFlowFiles } from '#statemachines/flows';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';
import type { DeploymentConfig } from '../config.ts';
import { HitlApprovals } from './hitl-approvals.ts';
import { HitlFlows } from './hitl-flows.ts';
import { REPO_ROOT, type FunctionNetwork, type HandlerSource } from './hitl-function.ts';
import { HitlWorkflow } from './hitl-workflow.ts';
import { removalPolicyFor } from './stage.ts';

/** The approval-gate state machine this repository deploys. */
export const APPROVAL_GATE_ASL = join(REPO_ROOT, 'statemachines', 'approval-gate.asl.json');

export interface HitlStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** @default - the JSON in `statemachines/approval-gate.asl.json` */
  readonly approvalGateDefinition?: object;
  /** The flows to deploy, each as the state machine `<stack name>-flow-<id>`. @default - every flow in `statemachines/flows/` */
  readonly flows?: readonly Flow[];
  /** Where the Lambda handlers come from. @default REPO_HANDLERS */
  readonly handlers?: HandlerSource;
  /** Run every function in a VPC (see `HitlApprovalsProps.network`). @default - outside any VPC */
  readonly network?: FunctionNetwork;
  /** Lambda functions and Secrets Manager secrets the tools call and read (see HitlFlowsProps). @default none */
  readonly toolFunctionArns?: readonly string[];
  readonly toolSecretArns?: readonly string[];
}

/** The repository's own deployment: the approvals system, the approval-gate workflow and the flows. */
export class HitlStack extends Stack {
  public readonly approvals: HitlApprovals;
  public readonly approvalGate: HitlWorkflow;
  public readonly flows: HitlFlows;

  constructor(scope: Construct, id: string, props: HitlStackProps) {
    const { config } = props;
    super(scope, id, {
      description: `hitl-approvals (${config.stage}): human-in-the-loop approval gates for agent workflows`,
      terminationProtection: config.stage === 'prod',
      ...props,
    });
    this.approvals = new HitlApprovals(this, 'Approvals', {
      stage: config.stage,
      senderEmail: config.senderEmail,
      approverGroups: config.approverGroups,
      adminGroups: config.adminGroups,
      auditorGroups: config.auditorGroups,
      auditRetentionDays: config.auditRetentionDays,
      indexShards: config.indexShards,
      indexReadShards: config.indexReadShards,
      sweepConcurrency: config.sweepConcurrency,
      corsOrigins: config.corsOrigins,
      callbackUrls: config.callbackUrls,
      apiCloudWatchRole: config.apiCloudWatchRole,
      reuseSenderIdentity: config.reuseSenderIdentity,
      durableFunctions: config.durableFunctions,
      agentAuth: config.agentAuth,
      encryptionKey: config.customerManagedKey ? dataKey(this, config.stage) : undefined,
      network: props.network,
      handlers: props.handlers,
    });
    this.approvalGate = new HitlWorkflow(this, 'ApprovalGate', {
      approvals: this.approvals,
      definition: props.approvalGateDefinition ?? readDefinition(APPROVAL_GATE_ASL),
    });
    this.flows = new HitlFlows(this, 'Flows', {
      approvals: this.approvals,
      flows: props.flows ?? loadFlowFiles(DEMO_TOOL_NAMES),
      handlers: props.handlers,
      ...(props.toolFunctionArns ? { toolFunctionArns: props.toolFunctionArns } : {}),
      ...(props.toolSecretArns ? { toolSecretArns: props.toolSecretArns } : {}),
    });

    const { api, approvers, table, gate, notifications, slack } = this.approvals;
    const outputs: Record<string, [string, string]> = {
      ApiUrl: [api.publicBaseUrl, 'Base URL of the approvals API'],
      DashboardUrl: [`${api.publicBaseUrl}/`, 'The approvals dashboard (signs in through the hosted UI)'],
      UserPoolId: [approvers.userPool.userPoolId, 'Cognito user pool of approvers and admins'],
      UserPoolClientId: [approvers.client.userPoolClientId, 'Public app client of the hosted UI'],
      HostedUiDomain: [approvers.domain.baseUrl(), 'Cognito hosted UI (sign-in and /oauth2/token)'],
      SignInUrl: [approvers.signInUrl, 'Hosted UI sign-in page for the first callback URL'],
      TableName: [table.table.tableName, 'DynamoDB table of requests and audit entries'],
      AuditKeySecretArn: [table.auditKey.secretArn, 'HMAC key of the audit chain (AUDIT_KEY_SECRET_ARN for npm run audit:verify)'],
      GateFunctionArn: [gate.functionArn, 'Gate function for waitForTaskToken states'],
      ApprovalGateStateMachineArn: [this.approvalGate.stateMachine.stateMachineArn, 'Approval-gate state machine'],
      SenderEmail: [
        notifications.identity.emailIdentityName,
        notifications.reusesIdentity ? 'SES identity the notifier sends as (reused, not created by this stack)' : 'SES identity: click the link SES emails to this address',
      ],
      SlackSigningSecretArn: [slack.signingSecret.secretArn, 'Put the Slack app signing secret here to turn on POST /slack/interactions'],
      SlackWebhooksSecretArn: [slack.webhooksSecret.secretArn, 'JSON map of Slack incoming webhooks by workflow; {} posts nowhere'],
      WebhookSecretArn: [this.approvals.webhookSigning.secret.secretArn, 'Key that signs decisions POSTed to agents webhooks (X-Hitl-Signature)'],
      ...(approvers.agentClient
        ? {
            AgentClientId: [approvers.agentClient.userPoolClientId, 'App client of agents (client credentials, scope hitl/agents); its secret: aws cognito-idp describe-user-pool-client'] as [string, string],
            AgentTokenUrl: [`${approvers.domain.baseUrl()}/oauth2/token`, 'Where agents get access tokens (grant_type=client_credentials)'] as [string, string],
          }
        : {}),
      ...Object.fromEntries(
        [...this.flows.workflows].flatMap(([flowId, workflow]) => [
          [`Flow${pascalCase(flowId)}StateMachineArn`, [workflow.stateMachine.stateMachineArn, `State machine of flow ${flowId}`]],
          [`Flow${pascalCase(flowId)}AliasArn`, [workflow.startArn, `Alias of flow ${flowId}: new executions start here (the deployed revision)`]],
        ]),
      ),
    };
    // Exported: a state machine deployed from another CDK app invokes the gate function by it.
    const exported = new Set(['GateFunctionArn']);
    for (const [name, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, name, { value, description, ...(exported.has(name) ? { exportName: `${this.stackName}-${name}` } : {}) });
    }
  }
}

/**
 * The customer-managed key of the table and the log groups (`-c customerManagedKey=true`), rotated
 * yearly. Only AWS services may create grants on it, for their own resources (Control Tower
 * CT.KMS.PR.3): DynamoDB's grants for the table are of that kind.
 */
function dataKey(scope: Construct, stage: DeploymentConfig['stage']): Key {
  const key = new Key(scope, 'DataKey', {
    description: `hitl-approvals (${stage}): the table and the log groups`,
    enableKeyRotation: true,
    removalPolicy: removalPolicyFor(stage),
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
  return key;
}

/** `support-agent` → `SupportAgent`, for output names (letters and digits only). */
function pascalCase(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

/** Reads an ASL JSON file, failing with the path when it is missing or not JSON. */
export function readDefinition(path: string): object {
  if (!existsSync(path)) throw new Error(`State machine definition not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as object;
  } catch (error) {
    throw new Error(`State machine definition ${path} is not valid JSON: ${(error as Error).message}`);
  }
}
