import { flowPath, hasGate, type Flow, type FlowNode, type ToolNode } from '#core/flow';
import { timeoutAtLevel, totalWaitSeconds, type HitlConfig } from '#core/hitl-config';
import { effectiveConfig } from '#core/gate-verdict';
import type { AslDefinition } from './definitions.ts';
import { DONE_STATE, nodeStates } from './flow-state-names.ts';

/**
 * The `${Name}` placeholders of a compiled flow, filled by CDK's DefinitionSubstitutions on AWS and by
 * local function names in local mode.
 */
export const FLOW_SUBSTITUTION_KEYS = ['AgentFunctionArn', 'ToolFunctionArn', 'FlowGateFunctionArn', 'GateTimeoutFunctionArn'] as const;
export type FlowSubstitutions = Readonly<Record<(typeof FLOW_SUBSTITUTION_KEYS)[number], string>>;

/** Version of the state a gate checkpoints; a later release that changes FlowState reads older ones by it. */
export const CHECKPOINT_SCHEMA_VERSION = 1;
/** An async gate's Step Functions timeout sits this far above the sweeper's deadline: the sweeper goes first. */
export const GATE_HARD_CAP_MARGIN_SECONDS = 300;

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const TRANSIENT_LAMBDA_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
const LAMBDA_RETRY = { ErrorEquals: TRANSIENT_LAMBDA_ERRORS, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 };
/**
 * A tool invocation that crashed or timed out (possibly mid-effect) runs again at once: the new
 * invocation finds the interrupted claim and follows the tool's delivery contract (an idempotent tool
 * re-runs under its key, an at_most_once one asks a person), so a retry never doubles an effect.
 */
export const INTERRUPTED_TOOL_ERRORS = ['States.Timeout', 'Sandbox.Timedout', 'Lambda.Unknown', 'Runtime.ExitError'];
const INTERRUPTED_TOOL_RETRY = { ErrorEquals: INTERRUPTED_TOOL_ERRORS, IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2 };

/**
 * The throttling errors our functions let through once the SDK's own retries are spent (DynamoDB,
 * Bedrock, SES, Secrets Manager, Lambda), by the name Step Functions sees (the error's `name`).
 */
export const THROTTLING_ERRORS = [
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ServiceUnavailableException',
  'ModelNotReadyException',
  'Throttling',
];
// Backs off far beyond the SDK's sub-second retries: 2, 4, 8, 16, 32, 60 s (at most), with full jitter.
const THROTTLE_RETRY = { ErrorEquals: THROTTLING_ERRORS, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' };
/** Where every step's uncaught error goes: its cause is written to the execution record, then the execution fails with it. */
export const RECORD_FAILURE_STATE = 'RecordFailure';
export const FAILED_STATE = 'Failed';
const FAILURE_CATCH = { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: RECORD_FAILURE_STATE };
const STEP_TIMEOUT_SECONDS = { agent: 120, tool: 120, timedOut: 30 };

type State = Record<string, unknown>;

/**
 * Compiles a flow graph to an Amazon States Language definition (JSONPath only: no JSONata, no Assign).
 *
 * Every node is a small loop of top-level states over the execution state (FlowState): an agent node
 * asks the model (`.Agent`), routes on `$.next` (`.Route`), handles one pending tool call at a time
 * (`.Tool`), and, when its mode can pause, waits at its gate (`.Gate`, a `.waitForTaskToken` task),
 * then applies the decision (`.Apply`). A node in `disabled` or `audit` mode has no gate states at all.
 * Gates are top-level states, never inside a Map, so a restarted local engine can resume a checkpoint
 * by running a copy whose StartAt is the gate. Lambda tasks return the whole next state.
 */
export function compileFlow(flow: Flow): AslDefinition {
  const path = flowPath(flow);
  const states: Record<string, State> = {};
  path.forEach((node, i) => {
    const after = path[i + 1] ? entryOf(path[i + 1]) : DONE_STATE;
    Object.assign(states, node.type === 'agent' ? agentStates(flow, node, after) : toolStates(flow, node, after));
  });
  states[DONE_STATE] = { Type: 'Succeed' };
  Object.assign(states, failureStates(flow));
  return {
    Comment: `${flow.name} (flow ${flow.id}, revision ${flow.revision}, ${flow.channel}); compiled from statemachines/flows/${flow.id}.json`,
    StartAt: entryOf(path[0]),
    States: states,
  };
}

/** The first state of a node. */
export function entryOf(node: FlowNode): string {
  return node.type === 'agent' ? nodeStates(node.id).agent : nodeStates(node.id).tool;
}

function agentStates(flow: Flow, node: Extract<FlowNode, { type: 'agent' }>, after: string): Record<string, State> {
  const names = nodeStates(node.id);
  const gated = hasGate(node);
  const choices = [
    routeTo('tool', names.tool),
    routeTo('agent', names.agent),
    ...(gated ? [routeTo('gate', names.gate), routeTo('end', DONE_STATE)] : []),
  ];
  return {
    [names.agent]: lambdaStep(flow, node, '${AgentFunctionArn}', names.route, STEP_TIMEOUT_SECONDS.agent, {}),
    [names.route]: { Type: 'Choice', Choices: choices, Default: after },
    [names.tool]: lambdaStep(flow, node, '${ToolFunctionArn}', names.route, STEP_TIMEOUT_SECONDS.tool, { op: 'tool' }, [INTERRUPTED_TOOL_RETRY]),
    ...(gated ? gateStates(flow, node, names.route) : {}),
  };
}

function toolStates(flow: Flow, node: ToolNode, after: string): Record<string, State> {
  const names = nodeStates(node.id);
  const gated = hasGate(node);
  const call = { id: node.id, name: node.tool, args: { ...node.args, ...Object.fromEntries(Object.entries(node.argPaths).map(([name, path]) => [`${name}.$`, path])) } };
  return {
    [names.tool]: lambdaStep(flow, node, '${ToolFunctionArn}', gated ? names.route : after, STEP_TIMEOUT_SECONDS.tool, { op: 'tool', call }, [INTERRUPTED_TOOL_RETRY]),
    // A tool node's decision leaves nothing pending, so the flow moves on, unless the call was
    // interrupted and a person is asked whether to run it again (back to the gate).
    ...(gated ? { [names.route]: { Type: 'Choice', Choices: [routeTo('gate', names.gate)], Default: after } } : {}),
    ...(gated ? gateStates(flow, node, names.route) : {}),
  };
}

function gateStates(flow: Flow, node: FlowNode, afterApply: string): Record<string, State> {
  const names = nodeStates(node.id);
  const voice = flow.channel === 'voice';
  return {
    [names.gate]: {
      Type: 'Task',
      Comment: voice
        ? 'Voice gate: the caller hears the hold message; TimeoutSeconds is the deadline itself.'
        : `Waits for a person. TimeoutSeconds is a hard cap ${GATE_HARD_CAP_MARGIN_SECONDS} s above the sweeper's deadline.`,
      Resource: LAMBDA_CALLBACK,
      Parameters: {
        FunctionName: '${FlowGateFunctionArn}',
        Payload: {
          'taskToken.$': '$$.Task.Token',
          'executionId.$': '$$.Execution.Name',
          workflowId: flow.id,
          nodeId: node.id,
          'step.$': '$.gate.step',
          channel: flow.channel,
          hitl: node.hitl,
          'action.$': '$.gate.action',
          'requestedBy.$': '$.requestedBy',
          checkpoint: { schemaVersion: CHECKPOINT_SCHEMA_VERSION, stateName: names.gate, 'state.$': '$' },
          ...(voice ? { hold: { message: flow.voice.holdMessage, ...(flow.voice.holdMusicUrl ? { musicUrl: flow.voice.holdMusicUrl } : {}) } } : {}),
        },
      },
      TimeoutSeconds: gateTimeoutSeconds(flow, node),
      ResultPath: '$.decision',
      Retry: [LAMBDA_RETRY, THROTTLE_RETRY],
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: names.timedOut }, FAILURE_CATCH],
      Next: names.apply,
    },
    [names.timedOut]: lambdaStep(flow, node, '${GateTimeoutFunctionArn}', names.apply, STEP_TIMEOUT_SECONDS.timedOut, {}),
    [names.apply]: lambdaStep(flow, node, '${ToolFunctionArn}', afterApply, STEP_TIMEOUT_SECONDS.tool, { op: 'apply' }, [INTERRUPTED_TOOL_RETRY]),
  };
}

/**
 * A voice gate times out at its deadline (its Catch records the timeout); an async gate's timeout is a
 * hard cap above every escalation level, so the sweeper times requests out and escalates first.
 * TimeoutSeconds is fixed per node, so it covers the longest wait any require_approval policy of the
 * node asks for; a request that waits less is timed out by the sweeper at its own due time.
 */
export function gateTimeoutSeconds(flow: Pick<Flow, 'channel'>, node: FlowNode): number {
  const waits = waitConfigs(node.hitl);
  if (flow.channel === 'voice') return Math.max(...waits.map((config) => timeoutAtLevel(config, 0, 'voice')));
  return Math.max(...waits.map((config) => totalWaitSeconds(config, 'async'))) + GATE_HARD_CAP_MARGIN_SECONDS;
}

/** The node's own settings and those of each require_approval policy that sets its own timeout. */
function waitConfigs(hitl: HitlConfig): HitlConfig[] {
  const byPolicy = hitl.policies
    .filter((rule) => rule.effect === 'require_approval' && rule.timeoutSeconds !== undefined)
    .map((rule) => effectiveConfig(hitl, { outcome: 'pause', why: '', policyId: rule.id, overrides: { timeoutSeconds: rule.timeoutSeconds } }));
  return [hitl, ...byPolicy];
}

function routeTo(next: string, state: string): State {
  return { Variable: '$.next', StringEquals: next, Next: state };
}

function lambdaStep(flow: Flow, node: FlowNode, functionArn: string, next: string, timeoutSeconds: number, extra: Record<string, unknown>, retry: State[] = []): State {
  return {
    Type: 'Task',
    Resource: LAMBDA_INVOKE,
    Parameters: {
      FunctionName: functionArn,
      Payload: { ...extra, 'executionId.$': '$$.Execution.Name', flowId: flow.id, channel: flow.channel, node, 'state.$': '$' },
    },
    // The function returns the whole next state.
    OutputPath: '$.Payload',
    TimeoutSeconds: timeoutSeconds,
    Retry: [LAMBDA_RETRY, THROTTLE_RETRY, ...retry],
    Catch: [FAILURE_CATCH],
    Next: next,
  };
}

/**
 * Records why the execution failed (`$.failure`: the error and cause a step's Catch caught) in the
 * execution record, then fails with that same error. If recording fails too, the execution still
 * fails with the original error; describing it later records the end.
 */
function failureStates(flow: Flow): Record<string, State> {
  return {
    [RECORD_FAILURE_STATE]: {
      Type: 'Task',
      Resource: LAMBDA_INVOKE,
      Parameters: {
        FunctionName: '${GateTimeoutFunctionArn}',
        Payload: { op: 'fail', 'executionId.$': '$$.Execution.Name', flowId: flow.id, 'failure.$': '$.failure' },
      },
      ResultPath: null,
      TimeoutSeconds: STEP_TIMEOUT_SECONDS.timedOut,
      Retry: [LAMBDA_RETRY, THROTTLE_RETRY],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: FAILED_STATE }],
      Next: FAILED_STATE,
    },
    [FAILED_STATE]: { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
  };
}
