/**
 * An Error whose `name` is the AWS error code, the way the AWS SDK surfaces service exceptions,
 * so callers written against the SDK (`error.name === 'TaskTimedOut'`) work unchanged locally.
 */
export class AwsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * The failure of a Task as the ASL interpreter sees it: Retry and Catch match `name`, `message`
 * becomes the catcher's `Cause`.
 */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * Ends a task of an execution that is already over. aws-local-stepfunctions reads `isRetryable` and
 * `isCatchable` (it defaults both to true), so a stale task cannot be retried or routed to a catcher.
 */
export class ExecutionClosed extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(executionArn: string) {
    super(`execution ${executionArn} is no longer running`);
    this.name = 'States.Runtime';
  }
}

/**
 * Turns whatever a local Lambda handler threw into the error the Lambda integration reports:
 * the error type as name and the runtime's JSON error document as cause.
 */
export function lambdaFunctionError(thrown: unknown): TaskFailure {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const errorType = error.name || 'Error';
  const trace = (error.stack ?? '').split('\n').slice(1).map((line) => line.trim());
  return new TaskFailure(errorType, JSON.stringify({ errorType, errorMessage: error.message, trace }));
}

/** Step Functions carries at most 256 KB (UTF-8 JSON) into and out of every state. */
export const STATE_DATA_LIMIT_BYTES = 256 * 1024;

/**
 * A state's input or output above the 256 KB limit. On AWS this is `States.DataLimitExceeded`, a
 * terminal error that neither Retry nor a `States.ALL` catcher handles: the execution fails.
 */
export class DataLimitExceeded extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(stateName: string, what: 'input' | 'output', bytes: number) {
    super(`The state/task '${stateName}' ${what} is ${bytes} bytes, above the ${STATE_DATA_LIMIT_BYTES} bytes (256 KB) Step Functions carries between states.`);
    this.name = 'States.DataLimitExceeded';
  }
}

/** Bytes of `value` as Step Functions measures it (UTF-8 JSON). */
export function stateDataBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** Throws DataLimitExceeded when `value` is above the limit. */
export function assertStateData(stateName: string, what: 'input' | 'output', value: unknown): void {
  const bytes = stateDataBytes(value);
  if (bytes > STATE_DATA_LIMIT_BYTES) throw new DataLimitExceeded(stateName, what, bytes);
}
