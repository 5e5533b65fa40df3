import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { isLambdaFunctionArn } from './arns.ts';
import { AwsError } from './errors.ts';
import { isJsonObject, toJson, type JsonObject } from './json.ts';

/** How a Task state reaches its Lambda function. */
export type TaskKind =
  /** `arn:aws:states:::lambda:invoke`: the result is wrapped as `{ Payload, StatusCode }`. */
  | 'lambda-invoke'
  /** `arn:aws:states:::lambda:invoke.waitForTaskToken`: the result is whatever SendTaskSuccess sends. */
  | 'lambda-callback'
  /** A function ARN as Resource: the state input is the event, the result is the function's return value. */
  | 'lambda-function';

/** Everything the engine needs to run one Task state locally. */
export interface TaskPlan {
  readonly stateName: string;
  readonly kind: TaskKind;
  readonly resource: string;
  /** Seconds, or 'path' when the handler finds them in its input under TIMEOUT_FIELD. */
  readonly timeoutSeconds: number | 'path';
  /** True when the engine added Parameters, so the real task input sits under INPUT_FIELD. */
  readonly wrapsInput: boolean;
}

export interface PreparedDefinition {
  /** The rewritten copy to hand to aws-local-stepfunctions. */
  readonly definition: StateMachineDefinition;
  readonly tasks: readonly TaskPlan[];
}

/**
 * The longest timer Node can run (2^31-1 ms, about 24.8 days). aws-local-stepfunctions hands
 * timeouts straight to setTimeout, which fires after 1 ms for anything longer; a 30-day gate
 * would time out at once.
 */
export const MAX_LOCAL_TIMEOUT_SECONDS = Math.floor(0x7fffffff / 1000);
/** Field the engine adds to a Task's Parameters to carry its TimeoutSecondsPath value. */
export const TIMEOUT_FIELD = '__localEngineTimeoutSeconds';
/** Field holding the whole effective input when the engine had to add Parameters itself. */
export const INPUT_FIELD = '__localEngineTaskInput';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const LAMBDA_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
// AWS's default Task timeout when the definition sets none (the ASL spec's 60 s is what the library uses).
const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
const PLACEHOLDER = /\$\{[^}]+\}/;

/**
 * Checks a definition for what the local engine cannot run faithfully and rewrites a copy so
 * aws-local-stepfunctions behaves like AWS:
 * - every Task gets a timeout no longer than Node can time (the library defaults to 60 s);
 * - TimeoutSecondsPath is resolved against the state input, as in AWS, by carrying the value through
 *   Parameters (the library resolves it against the Parameters output, where the field is missing).
 * Throws InvalidDefinition for JSONata, `Assign`, unsubstituted `${...}`, resources other than
 * Lambda, and duplicate state names (overrides are keyed by state name across all nesting levels).
 */
export function prepareDefinition(definition: object): PreparedDefinition {
  const copy = toJson(definition);
  if (!isJsonObject(copy)) invalid('the definition is not an object');
  const tasks: TaskPlan[] = [];
  prepareMachine(copy, tasks, new Set());
  if (typeof copy.TimeoutSeconds === 'number') copy.TimeoutSeconds = clampSeconds(copy.TimeoutSeconds);
  return { definition: copy as unknown as StateMachineDefinition, tasks };
}

function prepareMachine(machine: JsonObject, tasks: TaskPlan[], names: Set<string>): void {
  if (machine.QueryLanguage === 'JSONata') invalid('JSONata is not supported by the local engine; use JSONPath');
  if (!isJsonObject(machine.States)) invalid('States must be an object');
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isJsonObject(state)) invalid(`state ${name} is not an object`);
    if (names.has(name)) invalid(`state name ${name} is used twice`);
    names.add(name);
    rejectUnsupported(name, state);
    if (state.Type === 'Task') tasks.push(prepareTask(name, state));
    if (state.Type === 'Map') {
      const processor = state.ItemProcessor ?? state.Iterator;
      if (!isJsonObject(processor)) invalid(`Map state ${name} has no ItemProcessor`);
      prepareMachine(processor, tasks, names);
    }
    if (state.Type === 'Parallel') {
      if (!Array.isArray(state.Branches)) invalid(`Parallel state ${name} has no Branches`);
      for (const branch of state.Branches) {
        if (!isJsonObject(branch)) invalid(`Parallel state ${name} has a branch that is not an object`);
        prepareMachine(branch, tasks, names);
      }
    }
  }
}

// The library silently ignores these; failing here beats a flow that behaves differently on AWS.
function rejectUnsupported(name: string, state: JsonObject): void {
  if (state.QueryLanguage === 'JSONata') invalid(`state ${name}: JSONata is not supported by the local engine`);
  const nested = [state, ...asObjects(state.Choices), ...asObjects(state.Catch)];
  if (nested.some((part) => 'Assign' in part)) invalid(`state ${name}: Assign (variables) is not supported by the local engine`);
  for (const field of ['ItemReader', 'ResultWriter', 'ItemBatcher'] as const) {
    if (field in state) invalid(`state ${name}: ${field} (distributed Map) is not supported by the local engine`);
  }
}

function prepareTask(name: string, state: JsonObject): TaskPlan {
  const resource = state.Resource;
  if (typeof resource !== 'string') invalid(`Task ${name} has no Resource`);
  if (PLACEHOLDER.test(resource)) invalid(`Task ${name}: Resource ${resource} was never substituted`);
  const kind = taskKind(name, resource);
  if (kind !== 'lambda-function') checkInvokeParameters(name, state.Parameters);

  let timeoutSeconds: number | 'path';
  let wrapsInput = false;
  if (typeof state.TimeoutSeconds === 'number') {
    timeoutSeconds = state.TimeoutSeconds = clampSeconds(state.TimeoutSeconds);
  } else if (typeof state.TimeoutSecondsPath === 'string') {
    const timeoutRef = { [`${TIMEOUT_FIELD}.$`]: state.TimeoutSecondsPath };
    if (state.Parameters === undefined) {
      state.Parameters = { [`${INPUT_FIELD}.$`]: '$', ...timeoutRef };
      wrapsInput = true;
    } else if (isJsonObject(state.Parameters)) {
      state.Parameters = { ...state.Parameters, ...timeoutRef };
    } else {
      invalid(`Task ${name}: TimeoutSecondsPath needs Parameters to be an object`);
    }
    state.TimeoutSecondsPath = `$.${TIMEOUT_FIELD}`;
    timeoutSeconds = 'path';
  } else {
    timeoutSeconds = state.TimeoutSeconds = clampSeconds(AWS_DEFAULT_TASK_TIMEOUT_SECONDS);
  }
  return { stateName: name, kind, resource, timeoutSeconds, wrapsInput };
}

function taskKind(name: string, resource: string): TaskKind {
  if (resource === LAMBDA_INVOKE) return 'lambda-invoke';
  if (resource === LAMBDA_CALLBACK) return 'lambda-callback';
  if (isLambdaFunctionArn(resource)) return 'lambda-function';
  return invalid(`Task ${name}: Resource ${resource} is not supported by the local engine (only Lambda)`);
}

function checkInvokeParameters(name: string, parameters: unknown): void {
  if (!isJsonObject(parameters)) invalid(`Task ${name}: lambda:invoke needs Parameters with FunctionName`);
  const functionName = parameters.FunctionName;
  if (typeof functionName === 'string') {
    if (PLACEHOLDER.test(functionName)) invalid(`Task ${name}: FunctionName ${functionName} was never substituted`);
  } else if (typeof parameters['FunctionName.$'] !== 'string') {
    invalid(`Task ${name}: lambda:invoke needs Parameters.FunctionName`);
  }
}

/** Clamps a timeout to what the local engine can time; the value stays an integer of at least 1. */
export function clampSeconds(seconds: number): number {
  return Math.min(seconds, MAX_LOCAL_TIMEOUT_SECONDS);
}

function asObjects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

function invalid(message: string): never {
  throw new AwsError('InvalidDefinition', `Invalid State Machine Definition: ${message}`);
}
