import type { RunOptions } from 'aws-local-stepfunctions';
import { assertStateData, ExecutionClosed, TaskFailure } from './errors.ts';
import type { FunctionDirectory } from './functions.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './json.ts';
import { clampSeconds, INPUT_FIELD, TIMEOUT_FIELD, type TaskPlan } from './prepare-definition.ts';
import type { TaskTokens } from './task-tokens.ts';

/** The map aws-local-stepfunctions takes in `overrides.taskResourceLocalHandlers`, keyed by state name. */
export type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type LibraryJson = Parameters<TaskHandlers[string]>[0];

/** Reported when a `.waitForTaskToken` task starts waiting. */
export interface TaskStartedInfo {
  readonly executionArn: string;
  readonly stateName: string;
  readonly token: string;
}

/** What the handlers of one execution share. */
export interface ExecutionTasks {
  readonly executionArn: string;
  /** The stand-in the Context Object gives `$$.Task.Token`; the handler swaps in a real token. */
  readonly tokenPlaceholder: string;
  readonly functions: FunctionDirectory;
  readonly tokens: TaskTokens;
  readonly isRunning: () => boolean;
  readonly onTaskStarted?: (info: TaskStartedInfo) => void;
  /** Called once a `.waitForTaskToken` task's function has returned and the task only waits for its token. */
  readonly onTaskWaiting?: (info: TaskStartedInfo) => void;
  /**
   * For an execution resumed at a paused task: the outcome that task already has, taken by its first
   * run only (a Retry after it runs the task for real).
   */
  readonly takeResumedOutcome?: (stateName: string) => Promise<JsonValue> | undefined;
}

/**
 * Builds the local handler of every Task state of one execution.
 *
 * The library calls a handler with the input after InputPath and Parameters and only then starts
 * the state's timeout timer, from that same input object. Handlers therefore stay synchronous up to
 * the point where they have read (and, for over-long values, clamped) the timeout.
 */
export function buildTaskHandlers(tasks: readonly TaskPlan[], execution: ExecutionTasks): TaskHandlers {
  const handlers: TaskHandlers = {};
  for (const task of tasks) {
    handlers[task.stateName] = (input) => {
      let result: Promise<JsonValue>;
      try {
        // Like AWS, a task whose input or result is above 256 KB fails with States.DataLimitExceeded.
        assertStateData(task.stateName, 'input', input);
        result = runTask(task, input as JsonValue, execution).then((output) => {
          assertStateData(task.stateName, 'output', output);
          return output;
        });
      } catch (error) {
        result = Promise.reject(error);
      }
      return handled(result) as Promise<LibraryJson>;
    };
  }
  return handlers;
}

function runTask(task: TaskPlan, input: JsonValue, execution: ExecutionTasks): Promise<JsonValue> {
  // A Retry that wakes up after the execution ended would otherwise run the function again.
  if (!execution.isRunning()) return Promise.reject(new ExecutionClosed(execution.executionArn));
  const timeoutSeconds = readTimeout(task, input);
  // An unusable TimeoutSecondsPath value: the library fails the state with States.Runtime right after
  // this returns, so do nothing that would outlive the state.
  if (timeoutSeconds === undefined) return Promise.reject(new TaskFailure('States.Runtime', 'invalid timeout'));
  const resumed = execution.takeResumedOutcome?.(task.stateName);
  if (resumed) return resumed;
  const taskInput = unwrap(task, input);
  const { functions } = execution;

  switch (task.kind) {
    case 'lambda-function':
      return functions.invoke(task.resource, taskInput);
    case 'lambda-invoke': {
      const { functionName, payload } = invokeParameters(taskInput);
      // The shape of the real integration's result, so ResultSelector `Payload.$` works the same.
      return functions
        .invoke(functionName, payload)
        .then((result) => ({ ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 }));
    }
    case 'lambda-callback': {
      const { functionName, payload } = invokeParameters(taskInput);
      const owner = { executionArn: execution.executionArn, stateName: task.stateName };
      const { token, result } = execution.tokens.issue(owner, timeoutSeconds * 1000);
      reportTaskStarted(execution, { ...owner, token });
      functions.invoke(functionName, replaceText(payload, execution.tokenPlaceholder, token)).then(
        () => execution.onTaskWaiting?.({ ...owner, token }),
        (error: Error) => execution.tokens.failIfOpen(token, error),
      );
      return result;
    }
  }
}

function readTimeout(task: TaskPlan, input: JsonValue): number | undefined {
  if (task.timeoutSeconds !== 'path') return task.timeoutSeconds;
  if (!isJsonObject(input)) return undefined;
  const seconds = input[TIMEOUT_FIELD];
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) return undefined;
  // The library reads this very field after the handler returns: clamping it here is what keeps a
  // month-long gate from overflowing setTimeout and timing out after 1 ms.
  const clamped = clampSeconds(seconds);
  input[TIMEOUT_FIELD] = clamped;
  return clamped;
}

function unwrap(task: TaskPlan, input: JsonValue): JsonValue {
  if (task.wrapsInput && isJsonObject(input)) return input[INPUT_FIELD] ?? null;
  if (task.timeoutSeconds !== 'path' || !isJsonObject(input)) return input;
  const { [TIMEOUT_FIELD]: _timeout, ...rest } = input;
  return rest;
}

function invokeParameters(input: JsonValue): { functionName: string; payload: JsonValue } {
  const functionName = isJsonObject(input) ? input.FunctionName : undefined;
  if (typeof functionName !== 'string') {
    throw new TaskFailure('States.Runtime', 'lambda:invoke Parameters must resolve FunctionName to a string');
  }
  return { functionName, payload: (input as JsonObject).Payload ?? {} };
}

function replaceText(value: JsonValue, placeholder: string, replacement: string): JsonValue {
  if (typeof value === 'string') return value.split(placeholder).join(replacement);
  if (Array.isArray(value)) return value.map((item) => replaceText(item, placeholder, replacement));
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceText(item, placeholder, replacement)]));
  }
  return value;
}

function reportTaskStarted(execution: ExecutionTasks, info: TaskStartedInfo): void {
  try {
    execution.onTaskStarted?.(info);
  } catch {
    // An observer must not be able to break the execution it observes.
  }
}

// Marks the promise as handled: when the library gives up on a task (timeout, abort) it stops
// listening, and a later rejection would otherwise surface as an unhandled rejection.
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
