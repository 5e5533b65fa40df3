import { ArnFormat, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { EmailIdentity, Identity, type IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { Flow } from '#core/flow';
import { policyChecker } from '#core/policy-checker';
import { withPolicyChecks } from '#core/policy-checks';
import { compileFlow, FLOW_SUBSTITUTION_KEYS } from '#statemachines/compiler';
import { parseFlow } from '#statemachines/flows';
import { FLOW_ALIAS, flowStateMachineName } from '#statemachines/flow-state-names';
import { deployedFlowDigest } from '#usecases/seed-flows';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';
import { EditorFlowMachines } from './editor-flow-machines.ts';
import type { HitlApprovals } from './hitl-approvals.ts';
import { entryOf, HitlFunction, type FunctionLogLevel, type HandlerSource } from './hitl-function.ts';
import { HitlWorkflow, placeholdersOf } from './hitl-workflow.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { assertNoProblems, emailProblems, isKnown } from './prop-checks.ts';
import { removalPolicyFor } from './stage.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../function-timeouts.ts';

export interface HitlFlowsProps {
  /** The approvals system whose table, notifier, API and sweeper the flows use. */
  readonly approvals: HitlApprovals;
  /** Flows to deploy now; `addFlow` deploys more. @default [] */
  readonly flows?: readonly Flow[];
  /**
   * The From address of the `send_email` tool (`TOOL_MAIL_FROM`). When it is not the approvals
   * sender, an SES identity is created for it, which must be verified too.
   * @default - the approvals system's sender address
   */
  readonly toolMailFrom?: string;
  /** Tools the tool function registers; a flow naming another is refused. @default DEMO_TOOL_NAMES */
  readonly knownTools?: readonly string[];
  /**
   * Function ARNs of Lambda tools: the tool function may invoke exactly these. Tools admins save later
   * may name only these functions. @default []
   */
  readonly toolFunctionArns?: readonly string[];
  /**
   * Secrets Manager ARNs that HTTP tools name by reference (`{"secretRef": "<arn>"}`): the tool
   * function may read exactly these. @default []
   */
  readonly toolSecretArns?: readonly string[];
  /** Where the Lambda handlers come from. @default REPO_HANDLERS */
  readonly handlers?: HandlerSource;
  /** `LOG_LEVEL` of the flow functions. @default 'INFO' */
  readonly logLevel?: FunctionLogLevel;
  /**
   * What each flow's state machine name starts with (`<prefix>-flow-<id>`), so that several copies
   * of the system (stages, teams) fit in one account and region.
   * @default - the stack's name
   */
  readonly namePrefix?: string;
}

/** How the API function finds a deployed flow (`FLOW_STATE_MACHINES`, read by lambdas/entrypoints/flow-config.ts). */
interface CatalogEntry {
  /** The flow's alias: new executions start there. */
  readonly stateMachineArn: string;
  readonly revision: number;
  readonly channel: Flow['channel'];
  /** Which flow file CloudFormation deployed, so the API seeds only that one as its revision. */
  readonly digest: string;
}

/** Lambda allows 4 KB of environment per function; the flow catalog may take this much of it. */
const MAX_CATALOG_CHARS = 2_500;
/** Long enough for any region's state machine ARN prefix (`arn:aws-us-gov:states:<region>:<account>:stateMachine:`). */
const ARN_PREFIX_CHARS = 70;

/**
 * Flow graphs (statemachines/flows/*.json) on AWS: each flow compiled with `compileFlow` and deployed
 * as the Standard state machine `<stack name>-flow-<id>` through `HitlWorkflow`, and the four functions the
 * compiled definitions invoke, shared by every flow:
 *
 * - `${AgentFunctionArn}`: one model turn (audit append; Bedrock only on the models the flows name),
 * - `${ToolFunctionArn}`: `.Tool` and `.Apply` states (tool runs, audit, email From one address),
 * - `${FlowGateFunctionArn}`: `.Gate` states, a gate like the system's own, which may also hand an
 *   earlier decision to a re-run gate's new task token,
 * - `${GateTimeoutFunctionArn}`: a gate's `.TimedOut` state (marks the request timed out), and every
 *   flow's `RecordFailure` state (writes why the execution failed to its record).
 *
 * Each flow's state machine gets a version CloudFormation publishes and the alias `live` routed to
 * it. The approvals API function learns the deployed flows (their aliases) from `FLOW_STATE_MACHINES`
 * and may start them and read their executions; it is also the flow editor's deployer, which
 * publishes edited revisions as new versions behind the alias (`FLOW_FUNCTION_ARNS`). Since an edited
 * revision may add gates and tools to any flow, every flow's state machine may invoke all four flow
 * functions, and the API and the sweeper (and the flow gate) answer task tokens of every flow.
 */
export class HitlFlows extends Construct {
  public readonly agentFunction: HitlFunction;
  public readonly toolFunction: HitlFunction;
  public readonly gateFunction: HitlFunction;
  public readonly gateTimeoutFunction: HitlFunction;
  /** The From address of the `send_email` tool. */
  public readonly toolMailFrom: string;
  /** What each flow's state machine name starts with. */
  public readonly namePrefix: string;
  /** What the state machines of flows created in the editor share (role, logs) and the grants on them. */
  public readonly editorFlows: EditorFlowMachines;

  private readonly approvals: HitlApprovals;
  private readonly knownTools: readonly string[];
  private readonly deployed = new Map<string, { readonly flow: Flow; readonly workflow: HitlWorkflow }>();
  private readonly catalogReaders: LambdaFunction[] = [];
  private readonly deployers: LambdaFunction[] = [];
  private readonly bedrockModels = new Set<string>();

  constructor(scope: Construct, id: string, props: HitlFlowsProps) {
    super(scope, id);
    const { approvals } = props;
    this.approvals = approvals;
    this.knownTools = props.knownTools ?? DEMO_TOOL_NAMES;
    this.toolMailFrom = props.toolMailFrom ?? approvals.notifications.senderEmail;
    this.namePrefix = props.namePrefix ?? Stack.of(this).stackName;
    assertNoProblems(this, [
      ...emailProblems('toolMailFrom', this.toolMailFrom),
      ...(isKnown(this.namePrefix) && /^[A-Za-z0-9_-]{1,60}$/.test(this.namePrefix) ? [] : [`namePrefix "${this.namePrefix}" must be 1 to 60 letters, digits, - or _, known at synth time`]),
    ]);

    const defaults = {
      logRetention: approvals.logRetention,
      logRemovalPolicy: removalPolicyFor(approvals.stage),
      logLevel: props.logLevel,
      logEncryptionKey: approvals.encryptionKey,
      network: approvals.network,
    };
    const fn = (name: keyof typeof FUNCTION_IDS, description: string, timeout: Duration, memorySize = 256) =>
      new HitlFunction(this, FUNCTION_IDS[name], { ...entryOf(props.handlers, name), description, timeout, memorySize, ...defaults });

    // Each Lambda timeout sits below its state's TimeoutSeconds in the compiled definition (agent and
    // tool steps 120 s, the timeout step 30 s), so a slow call fails as a Lambda error that Retry sees.
    this.agentFunction = fn('flow-agent', 'hitl-approvals flow agent: one model turn at an agent node', Duration.seconds(FUNCTION_TIMEOUT_SECONDS['flow-agent']), 512);
    approvals.table.bindAuditWriter(this.agentFunction);

    this.toolFunction = fn('flow-tools', 'hitl-approvals flow tools: runs approved tool calls once and applies decisions', Duration.seconds(FUNCTION_TIMEOUT_SECONDS['flow-tools']));
    approvals.table.bindToolRunner(this.toolFunction);
    this.bindToolMail(this.toolFunction, this.toolMailIdentity());
    this.bindToolTargets(this.toolFunction, props.toolFunctionArns ?? [], props.toolSecretArns ?? []);
    // The API refuses a saved Lambda tool whose function the tool function may not invoke.
    approvals.apiFunction.addEnvironment('TOOL_FUNCTION_ARNS', (props.toolFunctionArns ?? []).join(','));
    approvals.table.bindToolReader(this.toolFunction);
    approvals.table.bindToolReader(this.agentFunction);

    this.gateFunction = fn('flow-gate', 'hitl-approvals flow gate: stores a flow gate request and its task token', Duration.seconds(FUNCTION_TIMEOUT_SECONDS['flow-gate']));
    approvals.table.bindRequestWriter(this.gateFunction);
    approvals.table.bindAuditKey(this.gateFunction);
    approvals.notifications.bindNotifier(this.gateFunction);

    this.gateTimeoutFunction = fn('flow-gate-timeout', 'hitl-approvals flow recorder: records a gate that timed out and why an execution failed', Duration.seconds(FUNCTION_TIMEOUT_SECONDS['flow-gate-timeout']));
    approvals.table.bindRequestExpirer(this.gateTimeoutFunction);
    approvals.table.bindExecutionEndRecorder(this.gateTimeoutFunction);
    // The steps that carry a flow's state keep its large texts apart (see lambdas/core/payload-ref.ts).
    for (const step of [this.agentFunction, this.toolFunction, this.gateTimeoutFunction]) approvals.table.bindPayloadStore(step);

    this.editorFlows = new EditorFlowMachines(this, 'EditorFlows', {
      approvals,
      namePrefix: this.namePrefix,
      flowFunctions: [this.agentFunction, this.toolFunction, this.gateFunction, this.gateTimeoutFunction],
      flowGate: this.gateFunction,
    });
    this.bindCatalog(approvals.apiFunction);
    this.bindDeployer(approvals.apiFunction);
    this.node.addValidation({ validate: () => this.catalogProblems() });
    for (const flow of props.flows ?? []) this.addFlow(flow);
  }

  /** The name of flow `flowId`'s state machine: `<namePrefix>-flow-<id>`. */
  stateMachineNameOf(flowId: string): string {
    return flowStateMachineName(flowId, this.namePrefix);
  }

  /** The deployed flows' workflows, by flow id. */
  get workflows(): ReadonlyMap<string, HitlWorkflow> {
    return new Map([...this.deployed].map(([flowId, { workflow }]) => [flowId, workflow]));
  }

  /** Compiles `flow` and deploys it as the state machine `<namePrefix>-flow-<id>`, wired to the flow functions. */
  addFlow(flow: Flow): HitlWorkflow {
    assertNoProblems(this, [
      ...flowProblems(flow, this.knownTools),
      ...(this.deployed.has(flow.id) ? [`flow ${flow.id} is deployed twice`] : []),
    ]);
    const definition = compileFlow(flow);
    const used = placeholdersOf(definition);
    const functions = {
      AgentFunctionArn: this.agentFunction,
      ToolFunctionArn: this.toolFunction,
      FlowGateFunctionArn: this.gateFunction,
      GateTimeoutFunctionArn: this.gateTimeoutFunction,
    } satisfies Record<(typeof FLOW_SUBSTITUTION_KEYS)[number], HitlFunction>;
    const stateMachineName = this.stateMachineNameOf(flow.id);
    const workflow = new HitlWorkflow(this, `Flow-${flow.id}`, {
      approvals: this.approvals,
      definition,
      stateMachineName,
      // Substituted: only what this flow's definition names (a flow without gates names no gate function).
      functions: Object.fromEntries(Object.entries(functions).filter(([placeholder]) => used.has(placeholder))),
      aliasName: FLOW_ALIAS,
      // A revision deployed from the editor may add agents, tools and gates to any flow: these are the
      // system's own four flow functions, and they may all be invoked, named or not.
      mayInvoke: Object.values(functions),
      answersTaskTokens: true,
    });
    this.deployed.set(flow.id, { flow, workflow });

    // Built from the literal name, not from the state machine: the state machine refers to these
    // functions, so a reference back would be a dependency cycle. Every flow, gates or not: an edited
    // revision may add one.
    const executions = executionsArn(this, stateMachineName);
    this.gateFunction.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [executions] }));
    acknowledgeWildcardResource(
      this.gateFunction.executionRole,
      executions,
      'A re-run gate hands an earlier decision to its new task token; tokens belong to executions named at start time, and the wildcard covers the executions of this one flow state machine only.',
    );
    for (const fn of this.catalogReaders) this.allowExecutions(fn, workflow, executions);
    for (const fn of this.deployers) this.allowDeploys(fn, workflow);
    this.allowModels(flow);
    return workflow;
  }

  /**
   * Sets `FLOW_STATE_MACHINES` on `fn` (the API function) to every deployed flow (its alias, revision,
   * channel and the digest of the flow file), and lets it start them (their state machines, versions
   * and aliases) and describe their executions.
   */
  bindCatalog(fn: LambdaFunction): void {
    // Lazy: flows added later still land in the variable.
    fn.addEnvironment('FLOW_STATE_MACHINES', Lazy.string({ produce: () => Stack.of(this).toJsonString(this.catalog()) }));
    this.catalogReaders.push(fn);
    this.editorFlows.bindRunner(fn);
    for (const [flowId, { workflow }] of this.deployed) this.allowExecutions(fn, workflow, executionsArn(this, this.stateMachineNameOf(flowId)));
  }

  /**
   * Makes `fn` (the API function) the flow editor's deployer: sets `FLOW_FUNCTION_ARNS` (the values of
   * the compiled flows' placeholders) and `FLOW_ALIAS_NAME`, and lets it validate definitions, update
   * the flow state machines and publish versions of them, and route their aliases.
   */
  bindDeployer(fn: HitlFunction): void {
    const arns = {
      AgentFunctionArn: this.agentFunction.functionArn,
      ToolFunctionArn: this.toolFunction.functionArn,
      FlowGateFunctionArn: this.gateFunction.functionArn,
      GateTimeoutFunctionArn: this.gateTimeoutFunction.functionArn,
    } satisfies Record<(typeof FLOW_SUBSTITUTION_KEYS)[number], string>;
    fn.addEnvironment('FLOW_FUNCTION_ARNS', Stack.of(this).toJsonString(arns));
    fn.addEnvironment('FLOW_ALIAS_NAME', FLOW_ALIAS);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['states:ValidateStateMachineDefinition'], resources: ['*'] }));
    acknowledgeWildcardResource(
      fn.executionRole,
      '*',
      'states:ValidateStateMachineDefinition checks a definition it is sent and reads or changes no resource; Step Functions supports no resource-level permission for it, so IAM needs Resource "*".',
    );
    this.deployers.push(fn);
    this.editorFlows.bindCreator(fn);
    for (const { workflow } of this.deployed.values()) this.allowDeploys(fn, workflow);
  }

  private catalog(): Record<string, CatalogEntry> {
    return Object.fromEntries(
      [...this.deployed].map(([flowId, { flow, workflow }]) => [
        flowId,
        { stateMachineArn: workflow.startArn, revision: flow.revision, channel: flow.channel, digest: deployedFlowDigest(flow) },
      ]),
    );
  }

  private catalogProblems(): string[] {
    const estimate = [...this.deployed].reduce(
      (chars, [flowId, { flow }]) =>
        chars +
        JSON.stringify({
          [flowId]: {
            stateMachineArn: `${'x'.repeat(ARN_PREFIX_CHARS)}${this.stateMachineNameOf(flowId)}:${FLOW_ALIAS}`,
            revision: flow.revision,
            channel: flow.channel,
            digest: deployedFlowDigest(flow),
          },
        }).length,
      0,
    );
    return estimate > MAX_CATALOG_CHARS
      ? [`FLOW_STATE_MACHINES would take about ${estimate} characters of the API function's 4 KB environment (at most ${MAX_CATALOG_CHARS}); deploy fewer flows per system`]
      : [];
  }

  private allowExecutions(fn: LambdaFunction, workflow: HitlWorkflow, executions: string): void {
    const machine = workflow.stateMachine.stateMachineArn;
    // The state machine, and its versions and aliases (`<arn>:<version>`, `<arn>:live`): executions
    // start on the alias, and on the version an editor deploy published.
    const qualified = `${machine}:*`;
    fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [machine, qualified] }));
    // GetExecutionHistory: the execution view's steps (GET /executions/{id}/graph).
    fn.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeExecution', 'states:GetExecutionHistory'], resources: [executions] }));
    if (fn.role) {
      acknowledgeWildcardResource(
        fn.role,
        executions,
        'GET /executions/{id} describes executions whose names are chosen when they start; the wildcard covers the executions of this one flow state machine only.',
      );
      acknowledgeWildcardResource(
        fn.role,
        qualified,
        'Executions start on the flow alias and on versions the flow editor publishes, numbered by Step Functions at deploy time; the wildcard covers the versions and aliases of this one flow state machine only.',
      );
    }
  }

  /**
   * UpdateStateMachine with `publish` (and PublishStateMachineVersion) on the flow's state machine,
   * and Create/UpdateStateMachineAlias on it and its alias: Step Functions authorizes version and
   * alias calls against the state machine's ARN. No iam:PassRole: the deployer never passes a role.
   */
  private allowDeploys(fn: LambdaFunction, workflow: HitlWorkflow): void {
    const machine = workflow.stateMachine.stateMachineArn;
    fn.addToRolePolicy(new PolicyStatement({ actions: ['states:UpdateStateMachine', 'states:PublishStateMachineVersion'], resources: [machine] }));
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['states:CreateStateMachineAlias', 'states:UpdateStateMachineAlias'], resources: [machine, workflow.startArn] }),
    );
  }

  /** `bedrock:InvokeModel` (Converse) on exactly the Bedrock models the flow's agent nodes name. */
  private allowModels(flow: Flow): void {
    for (const node of flow.nodes) {
      if (node.type !== 'agent' || node.model.provider !== 'bedrock' || this.bedrockModels.has(node.model.modelId)) continue;
      this.bedrockModels.add(node.model.modelId);
      const { resources, crossRegion } = bedrockModelArns(this, node.model.modelId);
      this.agentFunction.addToRolePolicy(new PolicyStatement({ actions: ['bedrock:InvokeModel'], resources }));
      if (crossRegion) {
        acknowledgeWildcardResource(
          this.agentFunction.executionRole,
          crossRegion,
          `A cross-region inference profile routes ${node.model.modelId} to the foundation model in any of its regions; the wildcard is the region of that one model.`,
        );
      }
    }
  }

  /** The SES identity the tool function sends as: the approvals sender's, or one of its own. */
  private toolMailIdentity(): IEmailIdentity {
    const notifications = this.approvals.notifications;
    if (this.toolMailFrom === notifications.senderEmail) return notifications.identity;
    return new EmailIdentity(this, 'ToolSender', { identity: Identity.email(this.toolMailFrom) });
  }

  /** Sets `TOOL_MAIL_FROM` and lets `fn` send raw email as that identity, From that address only. */
  /**
   * Lets the tool function invoke exactly the listed tool functions and read exactly the listed tool
   * secrets; `TOOL_FUNCTION_ARNS` tells it which ARNs a saved tool may name.
   */
  private bindToolTargets(fn: LambdaFunction, functionArns: readonly string[], secretArns: readonly string[]): void {
    fn.addEnvironment('TOOL_FUNCTION_ARNS', functionArns.join(','));
    if (functionArns.length > 0) fn.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [...functionArns] }));
    if (secretArns.length > 0) fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [...secretArns] }));
  }

  private bindToolMail(fn: LambdaFunction, identity: IEmailIdentity): void {
    fn.addEnvironment('TOOL_MAIL_FROM', this.toolMailFrom);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [identity.emailIdentityArn],
        conditions: { StringEquals: { 'ses:FromAddress': this.toolMailFrom } },
      }),
    );
  }
}

const FUNCTION_IDS = {
  'flow-agent': 'AgentFunction',
  'flow-tools': 'ToolFunction',
  'flow-gate': 'GateFunction',
  'flow-gate-timeout': 'GateTimeoutFunction',
} as const;

/** Problems with a flow the constructs deploy: its schema and graph, and tools the tool function lacks. */
export function flowProblems(flow: Flow, knownTools: readonly string[]): string[] {
  try {
    withPolicyChecks(policyChecker, () => parseFlow(flow, knownTools));
    return [];
  } catch (error) {
    const issues = (error as { issues?: { path: string; message: string }[] }).issues;
    return issues?.length ? issues.map((issue) => `flow ${flow.id}: ${issue.path}: ${issue.message}`) : [`flow ${flow.id}: ${(error as Error).message}`];
  }
}

/** `arn:...:execution:<name>:*`: every execution of the state machine `name`. */
function executionsArn(scope: Construct, stateMachineName: string): string {
  return Stack.of(scope).formatArn({ service: 'states', resource: 'execution', resourceName: `${stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** Geographies of Bedrock's cross-region inference profiles (`us.anthropic...`). */
const INFERENCE_PROFILE = /^(us|us-gov|eu|apac|jp|au|ca|global)\./;

/**
 * The ARNs Converse checks for `modelId`: a foundation model in this region; or an inference profile
 * in this account and region plus the foundation model it routes to in any region; or an ARN as given.
 */
export function bedrockModelArns(scope: Construct, modelId: string): { resources: string[]; crossRegion?: string } {
  const stack = Stack.of(scope);
  if (modelId.startsWith('arn:')) return { resources: [modelId] };
  const profile = INFERENCE_PROFILE.exec(modelId);
  if (!profile) return { resources: [stack.formatArn({ service: 'bedrock', account: '', resource: 'foundation-model', resourceName: modelId })] };
  const crossRegion = `arn:${stack.partition}:bedrock:*::foundation-model/${modelId.slice(profile[0].length)}`;
  return { resources: [stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: modelId }), crossRegion], crossRegion };
}
