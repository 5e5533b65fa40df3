import { lambdaFunctionName } from './arns.ts';
import { lambdaFunctionError, TaskFailure } from './errors.ts';
import { toJson, type JsonValue } from './json.ts';

/** An in-process stand-in for a deployed Lambda function: gets the event, returns the result. */
export type LocalFunction = (payload: unknown) => Promise<unknown>;

/**
 * The Lambda functions the local engine can invoke, found by the name or ARN a definition uses
 * (whatever was substituted for `${GateFunctionArn}`) or by the bare function name inside that ARN.
 */
export class FunctionDirectory {
  private readonly byReference = new Map<string, LocalFunction>();
  private readonly byName = new Map<string, LocalFunction>();

  constructor(functions: Readonly<Record<string, LocalFunction>> = {}) {
    for (const [reference, fn] of Object.entries(functions)) this.register(reference, fn);
  }

  /** Adds or replaces a function; later invocations use it. */
  register(reference: string, fn: LocalFunction): void {
    this.byReference.set(reference, fn);
    this.byName.set(lambdaFunctionName(reference), fn);
  }

  /**
   * Invokes a function the way Lambda does: the event and the result cross a JSON boundary, so the
   * handler cannot share objects with the engine. Rejects with Lambda.ResourceNotFoundException for
   * an unknown function and with the handler's error type when it throws.
   */
  async invoke(reference: string, payload: unknown): Promise<JsonValue> {
    const fn = this.byReference.get(reference) ?? this.byName.get(lambdaFunctionName(reference));
    if (!fn) {
      throw new TaskFailure('Lambda.ResourceNotFoundException', `Function not found: ${reference} (local engine)`);
    }
    const event = toJson(payload ?? {});
    // Like Lambda, run the handler outside the interpreter's call stack, so a handler that calls back
    // into the engine (SendTaskSuccess, DescribeExecution) never re-enters a state mid-transition.
    await Promise.resolve();
    let result: unknown;
    try {
      result = await fn(event);
    } catch (thrown) {
      throw lambdaFunctionError(thrown);
    }
    try {
      return result === undefined ? null : toJson(result);
    } catch (thrown) {
      throw new TaskFailure('Runtime.MarshalError', `Unable to marshal response: ${(thrown as Error).message}`);
    }
  }
}

