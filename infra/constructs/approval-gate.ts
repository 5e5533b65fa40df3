import { Duration } from 'aws-cdk-lib';
import { type INextable, IntegrationPattern, JsonPath, Pass, Result, type RetryProps, type State, StateMachineFragment, TaskInput, Timeout } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { HitlConfigSchema, totalWaitSeconds, type HitlConfigInput } from '#core/hitl-config';
import { policyChecker } from '#core/policy-checker';
import { withPolicyChecks } from '#core/policy-checks';
import { GATE_HARD_CAP_MARGIN_SECONDS } from '#statemachines/compiler';
import type { HitlApprovals } from './hitl-approvals.ts';
import { assertNoProblems } from './prop-checks.ts';

/** Lambda's own transient errors, retried as the shipped approval gate does. */
export const GATE_LAMBDA_RETRY: RetryProps = {
  errors: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
  interval: Duration.seconds(2),
  maxAttempts: 3,
  backoffRate: 2,
};

/** What a gate that hit its hard cap hands on: a decision the workflow can act on, like the sweeper's. */
export const HARD_CAP_DECISION = {
  outcome: 'timed_out',
  reason: 'The approval gate reached its hard time limit.',
  approver: 'system:timeout',
  scope: 'once',
} as const;

export interface ApprovalGateProps {
  /** The approvals system whose gate function stores the request and whose API and sweeper answer it. */
  readonly approvals: HitlApprovals;
  /**
   * The name of the state machine this gate is part of (a literal): the API and the sweeper may
   * answer task tokens of its executions. Granted by name, so the state machine may live in another
   * stack (or app) without a reference back from the approvals stack.
   */
  readonly stateMachineName: string;
  /** Names the workflow on the request and in the audit log (`workflowId`), for example the state machine's purpose. */
  readonly workflowId: string;
  /** Names this gate within the workflow (`nodeId`). */
  readonly nodeId: string;
  /** The node settings: mode, approvers, timeoutSeconds, onTimeout, escalation, quorum, policies. */
  readonly hitl: HitlConfigInput;
  /** Where the agent action to approve is in the state (a `tool_call` or `message` action). @default '$.action' */
  readonly actionPath?: string;
  /** Where the conversation and facts approvers see are. @default '$.context' */
  readonly contextPath?: string;
  /** Where the id of whoever started the work is (a string or null). @default '$.requestedBy' */
  readonly requestedByPath?: string;
  /**
   * Where this gate's step id is: the request id is derived from the execution, the node and the
   * step, so a gate inside a loop needs a different step each round. A retried gate keeps its step
   * and gets the request (and any decision) it made before.
   * @default - the constant step `1` (a gate that runs once per execution)
   */
  readonly stepPath?: string;
  /** Where the decision goes in the state. @default '$.approval' */
  readonly resultPath?: string;
}

/**
 * An approval gate to put into your own state machine (`sfn.Chain`), in this stack or another:
 *
 * ```ts
 * const gate = new ApprovalGate(stack, 'RefundApproval', { approvals, stateMachineName: 'refunds', workflowId: 'refunds', nodeId: 'refund', hitl: { mode: 'approve', approvers: { groups: ['finance'] }, timeoutSeconds: 3600 } });
 * new sfn.StateMachine(stack, 'Refunds', { stateMachineName: 'refunds', definitionBody: sfn.DefinitionBody.fromChainable(prepare.next(gate).next(route)) });
 * ```
 *
 * It is one `lambda:invoke.waitForTaskToken` task of the approvals system's gate function with the
 * documented payload, Lambda's transient errors retried, and a timeout a hard cap above the sweeper's
 * own deadline (every escalation level plus 300 s), whose Catch hands on a `timed_out` decision. The
 * decision lands at `resultPath`; both the task and the timeout path continue to `.next()`.
 */
export class ApprovalGate extends StateMachineFragment {
  public readonly startState: State;
  public readonly endStates: INextable[];
  /** The `.waitForTaskToken` task. */
  public readonly task: LambdaInvoke;
  /** The state a hard-cap timeout goes through. */
  public readonly hardCapTimeout: Pass;
  /** Seconds the task waits at most: every escalation level plus the margin. */
  public readonly hardCapSeconds: number;

  constructor(scope: Construct, id: string, props: ApprovalGateProps) {
    super(scope, id);
    const parsed = withPolicyChecks(policyChecker, () => HitlConfigSchema.safeParse(props.hitl));
    assertNoProblems(this, [
      ...(parsed.success ? [] : parsed.error.issues.map((issue) => `hitl.${issue.path.join('.')}: ${issue.message}`)),
      ...(/^[A-Za-z0-9_-]{1,80}$/.test(props.stateMachineName) ? [] : [`stateMachineName "${props.stateMachineName}" must be 1 to 80 letters, digits, - or _`]),
      ...(props.workflowId.length >= 1 && props.workflowId.length <= 128 ? [] : ['workflowId must be 1 to 128 characters']),
      ...(props.nodeId.length >= 1 && props.nodeId.length <= 128 ? [] : ['nodeId must be 1 to 128 characters']),
    ]);
    const hitl = parsed.data!;
    const resultPath = props.resultPath ?? '$.approval';
    this.hardCapSeconds = totalWaitSeconds(hitl, 'async') + GATE_HARD_CAP_MARGIN_SECONDS;

    this.task = new LambdaInvoke(this, 'WaitForApproval', {
      comment: `Waits for a person (${hitl.mode}); the timeout is a hard cap ${GATE_HARD_CAP_MARGIN_SECONDS} s above the sweeper's deadline.`,
      lambdaFunction: props.approvals.gate,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({
        taskToken: JsonPath.taskToken,
        executionId: JsonPath.executionId,
        workflowId: props.workflowId,
        nodeId: props.nodeId,
        step: props.stepPath ? JsonPath.stringAt(props.stepPath) : '1',
        channel: 'async',
        hitl: props.hitl,
        action: JsonPath.objectAt(props.actionPath ?? '$.action'),
        context: JsonPath.objectAt(props.contextPath ?? '$.context'),
        requestedBy: JsonPath.stringAt(props.requestedByPath ?? '$.requestedBy'),
      }),
      taskTimeout: Timeout.duration(Duration.seconds(this.hardCapSeconds)),
      resultPath,
      retryOnServiceExceptions: false,
    });
    this.task.addRetry(GATE_LAMBDA_RETRY);
    this.hardCapTimeout = new Pass(this, 'HardCapReached', {
      comment: 'Reached only when the hard cap fires before any decision (sweeper down or late).',
      result: Result.fromObject(HARD_CAP_DECISION),
      resultPath,
    });
    this.task.addCatch(this.hardCapTimeout, { errors: ['States.Timeout'], resultPath });
    this.startState = this.task;
    this.endStates = [this.task, this.hardCapTimeout];

    props.approvals.allowTaskResponses(props.stateMachineName);
    props.approvals.allowGateHandOver(props.stateMachineName);
  }
}
