import { Names, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { FLOW_ALIAS } from '#statemachines/flow-state-names';
import { acknowledgeLogGroupControls } from './control-tower.ts';
import type { HitlApprovals } from './hitl-approvals.ts';
import type { HitlFunction } from './hitl-function.ts';
import { VENDED_LOGS_PREFIX } from './hitl-workflow.ts';
import { acknowledgeWildcardResource, XRAY_WILDCARD_REASON } from './nag.ts';
import { removalPolicyFor } from './stage.ts';

export interface EditorFlowMachinesProps {
  readonly approvals: HitlApprovals;
  /** Machines are named `<namePrefix>-flow-<id>`; every grant here is scoped to that prefix. */
  readonly namePrefix: string;
  /** The four flow functions the compiled flows invoke; the machines may invoke exactly these. */
  readonly flowFunctions: readonly IFunction[];
  /** The flow gate function: it hands earlier decisions to re-run gates' task tokens. */
  readonly flowGate: HitlFunction;
}

/** What Step Functions needs to deliver a machine's logs to CloudWatch Logs (vended logs); no resource-level permissions exist for these. */
const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];
const XRAY_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'];

/**
 * The state machines of flows created in the flow editor on AWS. CloudFormation makes one machine per
 * flow file; a flow created in the editor gets its machine from the API on its first deploy
 * (CreateStateMachine, named `<namePrefix>-flow-<id>`), outside the stack. This construct holds what
 * those machines share, made like the CDK ones: a role that may invoke the four flow functions (and
 * write traces and logs), a log group, logging ALL without execution data, X-Ray tracing. It grants,
 * scoped to the name prefix: the API to create, update, publish and alias such machines (and to pass
 * exactly this role), to start them and describe their executions; the API and the sweeper to answer
 * their task tokens; the flow gate to hand earlier decisions to their re-run gates.
 */
export class EditorFlowMachines extends Construct {
  /** The role every flow created in the editor runs as. */
  public readonly role: Role;
  public readonly logs: LogGroup;
  /** `arn:...:stateMachine:<namePrefix>-flow-*`: the machines these grants cover. */
  public readonly machines: string;
  /** `arn:...:execution:<namePrefix>-flow-*:*`: their executions. */
  public readonly executions: string;
  private readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: EditorFlowMachinesProps) {
    super(scope, id);
    const { approvals } = props;
    const stack = Stack.of(this);
    this.namePrefix = props.namePrefix;
    const pattern = `${props.namePrefix}-flow-*`;
    this.machines = `arn:${stack.partition}:states:${stack.region}:${stack.account}:stateMachine:${pattern}`;
    this.executions = `arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${pattern}:*`;

    this.logs = new LogGroup(this, 'Logs', {
      logGroupName: `${VENDED_LOGS_PREFIX}${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`,
      retention: approvals.logRetention,
      removalPolicy: removalPolicyFor(approvals.stage),
      encryptionKey: approvals.encryptionKey,
    });
    acknowledgeLogGroupControls(this.logs, approvals.logRetention, approvals.encryptionKey !== undefined);

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description: `State machines of flows created in the flow editor (${pattern})`,
    });
    this.role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: props.flowFunctions.map((fn) => fn.functionArn) }));
    this.role.addToPolicy(new PolicyStatement({ actions: XRAY_ACTIONS, resources: ['*'] }));
    this.role.addToPolicy(new PolicyStatement({ actions: LOG_DELIVERY_ACTIONS, resources: ['*'] }));
    acknowledgeWildcardResource(this.role, '*', `${XRAY_WILDCARD_REASON} Step Functions log delivery (logs:CreateLogDelivery and friends) likewise requires Resource "*".`);

    // Task tokens of their executions: the decision function, the API (links, Slack) and the sweeper (timeouts) answer them.
    for (const fn of approvals.decisionDeliverers) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [this.machines, this.executions] }));
      this.acknowledgePrefix(fn.executionRole, 'Task tokens of flows created in the flow editor, whose machines and executions are named at run time');
    }
    props.flowGate.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [this.executions] }));
    this.acknowledgePrefix(props.flowGate.executionRole, 'A re-run gate of a flow created in the flow editor hands an earlier decision to its new task token');
  }

  /**
   * Makes `fn` (the API function) the creator of these machines: `FLOW_NEW_MACHINES` tells it the
   * name prefix, role and log group, and it may create, update, publish and alias machines under the
   * prefix, pass exactly the flows' role to Step Functions, and set up log delivery for them.
   */
  bindCreator(fn: HitlFunction): void {
    const stack = Stack.of(this);
    fn.addEnvironment(
      'FLOW_NEW_MACHINES',
      stack.toJsonString({
        namePrefix: this.namePrefix,
        stateMachineArnPrefix: `arn:${stack.partition}:states:${stack.region}:${stack.account}:stateMachine:`,
        roleArn: this.role.roleArn,
        logGroupArn: this.logs.logGroupArn,
      }),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: ['states:CreateStateMachine', 'states:UpdateStateMachine', 'states:PublishStateMachineVersion'], resources: [this.machines] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['states:CreateStateMachineAlias', 'states:UpdateStateMachineAlias'], resources: [this.machines, `${this.machines}:${FLOW_ALIAS}`] }));
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['iam:PassRole'], resources: [this.role.roleArn], conditions: { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } } }),
    );
    // Creating a machine that logs to CloudWatch Logs sets up a log delivery in the caller's name.
    fn.addToRolePolicy(new PolicyStatement({ actions: LOG_DELIVERY_ACTIONS, resources: ['*'] }));
    acknowledgeWildcardResource(fn.executionRole, '*', 'CloudWatch Logs log delivery for a new flow state machine (logs:CreateLogDelivery and friends) supports no resource-level permission, so IAM needs Resource "*".');
    this.acknowledgePrefix(fn.executionRole, 'The flow editor creates and publishes a machine per new flow, named at run time');
  }

  /** Lets `fn` (the API function) start these machines (their versions and alias), describe their executions and read their histories. */
  bindRunner(fn: LambdaFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [this.machines, `${this.machines}:*`] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeExecution', 'states:GetExecutionHistory'], resources: [this.executions] }));
    if (fn.role) this.acknowledgePrefix(fn.role, 'Flows created in the flow editor start on versions and an alias made at deploy time');
  }

  private acknowledgePrefix(role: IConstruct, why: string): void {
    const reason = `${why}; the wildcard covers only the state machines named ${this.namePrefix}-flow-* of this stack.`;
    for (const resource of [this.machines, `${this.machines}:*`, `${this.machines}:${FLOW_ALIAS}`, this.executions]) acknowledgeWildcardResource(role, resource, reason);
  }
}
