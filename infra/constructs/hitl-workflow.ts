import { type Duration, Names, Token } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  CfnStateMachineAlias,
  CfnStateMachineVersion,
  DefinitionBody,
  LogLevel,
  StateMachine,
  StateMachineType,
  type CfnStateMachine,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { HitlApprovals } from './hitl-approvals.ts';
import { acknowledgeLogGroupControls } from './control-tower.ts';
import { acknowledgeWildcardResource, XRAY_WILDCARD_REASON } from './nag.ts';
import { assertNoProblems } from './prop-checks.ts';
import { removalPolicyFor } from './stage.ts';

/** Where Step Functions log groups belong: names under it leave the account's logs resource policy alone. */
export const VENDED_LOGS_PREFIX = '/aws/vendedlogs/states/';

/** The substitution a workflow gets when its definition uses it: the ARN of the approvals system's gate function. */
export const GATE_FUNCTION_ARN = 'GateFunctionArn';

export interface HitlWorkflowProps {
  /** The approvals system whose gate the workflow waits on. */
  readonly approvals: HitlApprovals;
  /** The ASL definition (JSONPath), as parsed JSON, with `${Name}` DefinitionSubstitutions. */
  readonly definition: object;
  /** Plain values for `${Name}` placeholders. `GateFunctionArn` is set for you when the definition uses it. @default {} */
  readonly substitutions?: Readonly<Record<string, string>>;
  /**
   * Lambda functions the definition invokes, by placeholder name: each ARN is substituted and
   * the state machine may invoke that function (and no other).
   * @default {}
   */
  readonly functions?: Readonly<Record<string, IFunction>>;
  /**
   * The state machine's name. Grants that must not refer to the state machine (it refers to their
   * functions) are built from it.
   * @default - a name unique to this construct's path in the stack (stack name first)
   */
  readonly stateMachineName?: string;
  /**
   * Log each state's input and output. Off because agent conversations may hold personal data.
   * @default false
   */
  readonly includeExecutionData?: boolean;
  /** @default - the approvals system's log retention */
  readonly logRetention?: RetentionDays;
  /** An upper bound for a whole execution. @default - none (a Standard workflow may run a year) */
  readonly timeout?: Duration;
  /**
   * Publishes the definition as a state machine version and routes this alias to it (100%), so new
   * executions can start on the alias while running ones finish on their version. A later version
   * published outside CloudFormation (the flow editor) may move the alias; the next deploy that
   * changes the state machine publishes again and moves it back.
   * @default - no version and no alias
   */
  readonly aliasName?: string;
  /**
   * Functions the state machine may invoke besides those its definition names: for definitions
   * published later, outside CloudFormation, that may name them. Their ARNs are not substituted.
   * @default []
   */
  readonly mayInvoke?: readonly IFunction[];
  /**
   * Whether the approvals system's API and sweeper may answer this workflow's task tokens. Pass true
   * when a definition published later may add gates.
   * @default - whether a state of the definition waits for a task token
   */
  readonly answersTaskTokens?: boolean;
}

/**
 * One Standard state machine wired to a `HitlApprovals` system: its gate states invoke a gate
 * function with `waitForTaskToken` (the system's own through `${GateFunctionArn}`, or one of
 * `functions`), and the system's API and sweeper may answer its task tokens. The state machine may
 * invoke exactly the functions its definition names (and `mayInvoke`). Logging (level ALL, without
 * execution data by default) and X-Ray tracing are on. With `aliasName`, CloudFormation publishes
 * each definition it deploys as a version behind that alias.
 */
export class HitlWorkflow extends Construct {
  public readonly stateMachine: StateMachine;
  /** The state machine's name, as a literal (never a token). */
  public readonly stateMachineName: string;
  public readonly logs: LogGroup;
  /** The functions the state machine may invoke: those its definition names and `mayInvoke`, and no other. */
  public readonly invokedFunctions: readonly IFunction[];
  /** Whether a state of the definition waits for a task token (a gate). */
  public readonly waitsForTaskTokens: boolean;
  /** Whether the approvals system's API and sweeper may answer this workflow's task tokens. */
  public readonly answersTaskTokens: boolean;
  /** The version CloudFormation publishes of the definition (with `aliasName`). */
  public readonly version?: CfnStateMachineVersion;
  /** The alias routed to `version` (with `aliasName`). */
  public readonly alias?: CfnStateMachineAlias;
  /** What new executions should start on: the alias when there is one, else the state machine. */
  public readonly startArn: string;

  constructor(scope: Construct, id: string, props: HitlWorkflowProps) {
    super(scope, id);
    const functions = props.functions ?? {};
    const usesGate = placeholdersOf(props.definition).has(GATE_FUNCTION_ARN);
    const substitutions: Record<string, string> = {
      ...props.substitutions,
      ...Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, fn.functionArn])),
    };
    assertNoProblems(this, [
      ...definitionProblems(
        props.definition,
        { ...substitutions, [GATE_FUNCTION_ARN]: props.approvals.gate.functionArn },
        [...Object.keys(props.substitutions ?? {}), ...Object.keys(functions)],
      ),
      ...aliasNameProblems(props.aliasName),
      ...stateMachineNameProblems(props.stateMachineName),
    ]);
    this.stateMachineName = props.stateMachineName ?? Names.uniqueResourceName(this, { maxLength: 80, separator: '-' });
    if (usesGate) substitutions[GATE_FUNCTION_ARN] = props.approvals.gate.functionArn;
    this.waitsForTaskTokens = [...taskStates((props.definition as { States?: unknown }).States)].some(([, state]) => isCallback(state));

    const retention = props.logRetention ?? props.approvals.logRetention;
    this.logs = new LogGroup(this, 'Logs', {
      // Step Functions adds each log group outside /aws/vendedlogs/ to the account's CloudWatch Logs
      // resource policy, which is capped at 5,120 characters; AWS recommends this prefix instead.
      logGroupName: `${VENDED_LOGS_PREFIX}${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`,
      retention,
      removalPolicy: removalPolicyFor(props.approvals.stage),
      encryptionKey: props.approvals.encryptionKey,
    });
    acknowledgeLogGroupControls(this.logs, retention, props.approvals.encryptionKey !== undefined);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(JSON.stringify(props.definition)),
      definitionSubstitutions: substitutions,
      timeout: props.timeout,
      tracingEnabled: true,
      logs: { destination: this.logs, level: LogLevel.ALL, includeExecutionData: props.includeExecutionData ?? false },
    });

    if (props.aliasName !== undefined) {
      const machine = this.stateMachine.node.defaultChild as CfnStateMachine;
      // A new version whenever CloudFormation changes the state machine (its revision id changes). The
      // replaced one is deleted once the alias has moved on; executions running on it finish there.
      this.version = new CfnStateMachineVersion(this, 'Version', {
        stateMachineArn: this.stateMachine.stateMachineArn,
        stateMachineRevisionId: machine.attrStateMachineRevisionId,
        description: 'Published by CloudFormation from the definition in the template',
      });
      this.alias = new CfnStateMachineAlias(this, 'Alias', {
        name: props.aliasName,
        description: 'New executions start here; CloudFormation and the flow editor route it to a version',
        routingConfiguration: [{ stateMachineVersionArn: this.version.attrArn, weight: 100 }],
      });
    }
    this.startArn = this.alias?.attrArn ?? this.stateMachine.stateMachineArn;

    // Explicit statements with the unqualified ARNs; grantInvoke would add `<arn>:*` (every version
    // and alias) as well.
    this.invokedFunctions = [...new Set([...(usesGate ? [props.approvals.gate] : []), ...Object.values(functions), ...(props.mayInvoke ?? [])])];
    if (this.invokedFunctions.length > 0) {
      this.stateMachine.addToRolePolicy(
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: this.invokedFunctions.map((fn) => fn.functionArn) }),
      );
    }
    // A workflow without gates has no task tokens for anyone to answer, unless a later definition may add some.
    this.answersTaskTokens = props.answersTaskTokens ?? this.waitsForTaskTokens;
    if (this.answersTaskTokens) props.approvals.allowTaskResponses(this.stateMachine);
    // A retried gate state hands an earlier decision to its new task token itself.
    if (usesGate) props.approvals.allowGateHandOver(this.stateMachineName);

    acknowledgeWildcardResource(
      this.stateMachine.role,
      '*',
      `${XRAY_WILDCARD_REASON} Step Functions log delivery (logs:CreateLogDelivery and friends) likewise requires Resource "*".`,
    );
  }
}

/** Step Functions alias names: 1 to 80 letters, digits, `_`, `-` or `.`, not digits only (those name versions). */
function aliasNameProblems(aliasName: string | undefined): string[] {
  if (aliasName === undefined || /^(?=.*[A-Za-z_.-])[A-Za-z0-9_.-]{1,80}$/.test(aliasName)) return [];
  return [`aliasName "${aliasName}" must be 1 to 80 letters, digits, _, - or ., and not digits only`];
}

/** Step Functions names: 1 to 80 letters, digits, `-` or `_`, known at synth time. */
function stateMachineNameProblems(name: string | undefined): string[] {
  if (name === undefined) return [];
  if (Token.isUnresolved(name)) return ['stateMachineName must be known at synth time (grants are built from it)'];
  return /^[A-Za-z0-9_-]{1,80}$/.test(name) ? [] : [`stateMachineName "${name}" must be 1 to 80 letters, digits, - or _`];
}

/** The `${Name}` placeholders a definition uses. */
export function placeholdersOf(definition: object): Set<string> {
  return new Set([...JSON.stringify(definition).matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] as string));
}

/**
 * What is wrong with a definition, all at once: its shape, `${...}` placeholders without a value
 * or values no placeholder uses, and waitForTaskToken tasks without a timeout (they would wait a year).
 */
export function definitionProblems(definition: object, substitutions: Readonly<Record<string, string>>, declared: readonly string[] = []): string[] {
  const problems: string[] = [];
  const asl = definition as { StartAt?: unknown; States?: unknown };
  if (typeof asl.StartAt !== 'string' || typeof asl.States !== 'object' || asl.States === null) {
    problems.push('definition must be an ASL object with StartAt and States');
  }
  const placeholders = placeholdersOf(definition);
  for (const name of placeholders) {
    if (!(name in substitutions)) problems.push(`definition uses \${${name}} but no substitution or function provides it`);
  }
  for (const name of declared) {
    if (!placeholders.has(name)) problems.push(`substitution ${name} is not used by the definition`);
  }
  if (declared.includes(GATE_FUNCTION_ARN)) problems.push(`${GATE_FUNCTION_ARN} is set by HitlWorkflow; do not pass it`);
  for (const [name, state] of taskStates(asl.States)) {
    if (isCallback(state) && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined && state.HeartbeatSeconds === undefined) {
      problems.push(`state "${name}" waits for a task token without TimeoutSeconds or TimeoutSecondsPath`);
    }
  }
  return problems;
}

type AslState = { Type?: string; Resource?: unknown; TimeoutSeconds?: unknown; TimeoutSecondsPath?: unknown; HeartbeatSeconds?: unknown; Branches?: unknown; Iterator?: unknown; ItemProcessor?: unknown };

function isCallback(state: AslState): boolean {
  return typeof state.Resource === 'string' && state.Resource.endsWith('.waitForTaskToken');
}

/** Every Task state, including those inside Parallel branches and Map processors. */
function* taskStates(states: unknown): Generator<[string, AslState]> {
  if (!states || typeof states !== 'object') return;
  for (const [name, raw] of Object.entries(states as Record<string, AslState>)) {
    if (raw?.Type === 'Task') yield [name, raw];
    const nested = [...(Array.isArray(raw?.Branches) ? raw.Branches : []), raw?.Iterator, raw?.ItemProcessor];
    for (const machine of nested) yield* taskStates((machine as { States?: unknown } | undefined)?.States);
  }
}
