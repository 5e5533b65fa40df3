import { lambdaFunctionName } from './arns.ts';
import { lambdaFunctionError, TaskFailure } from './errors.ts';
import { toJson, type JsonValue } from './json.ts';

/** An in-process stand-in for a deployed Lambda function: gets the event, returns the result. */
export type LocalFunction = (payload: unknown) => Promise<unknown>;

export interface LocalFunctionOptions {
  /** The function's Lambda timeout: an invocation still running after it fails with Sandbox.Timedout. @default none */
  readonly timeoutSeconds?: number;
}

interface Registered {
  readonly fn: LocalFunction;
  readonly timeoutSeconds?: number;
}

/**
 * The Lambda functions the local engine can invoke, found by the name or ARN a definition uses
 * (whatever was substituted for `${GateFunctionArn}`) or by the bare function name inside that ARN.
 */
export class FunctionDirectory {
  private readonly byReference = new Map<string, Registered>();
  private readonly byName = new Map<string, Registered>();

  constructor(functions: Readonly<Record<string, LocalFunction>> = {}) {
    for (const [reference, fn] of Object.entries(functions)) this.register(reference, fn);
  }

  /** Adds or replaces a function; later invocations use it. */
  register(reference: string, fn: LocalFunction, options: LocalFunctionOptions = {}): void {
    const registered = { fn, timeoutSeconds: options.timeoutSeconds };
    this.byReference.set(reference, registered);
    this.byName.set(lambdaFunctionName(reference), registered);
  }

  /**
   * Invokes a function the way Lambda does: the event and the result cross a JSON boundary, so the
   * handler cannot share objects with the engine. Rejects with Lambda.ResourceNotFoundException for
   * an unknown function, with the handler's error type when it throws, and with Sandbox.Timedout when
   * it runs past its timeout (the handler is left to finish; its result is dropped, as Lambda does).
   */
  async invoke(reference: string, payload: unknown): Promise<JsonValue> {
    const registered = this.byReference.get(reference) ?? this.byName.get(lambdaFunctionName(reference));
    if (!registered) {
      throw new TaskFailure('Lambda.ResourceNotFoundException', `Function not found: ${reference} (local engine)`);
    }
    const event = toJson(payload ?? {});
    // Like Lambda, run the handler outside the interpreter's call stack, so a handler that calls back
    // into the engine (SendTaskSuccess, DescribeExecution) never re-enters a state mid-transition.
    await Promise.resolve();
    let result: unknown;
    try {
      result = await withTimeout(registered.fn(event), registered.timeoutSeconds);
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


/** Lambda's own error for a function that ran out of time. */
class SandboxTimedout extends Error {
  constructor(timeoutSeconds: number) {
    super(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
    this.name = 'Sandbox.Timedout';
  }
}

function withTimeout<T>(running: Promise<T>, timeoutSeconds: number | undefined): Promise<T> {
  if (timeoutSeconds === undefined) return running;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SandboxTimedout(timeoutSeconds)), timeoutSeconds * 1000);
  });
  // A handler that fails after its timeout changes nothing: Lambda has already answered.
  running.catch(() => undefined);
  return Promise.race([running, timedOut]).finally(() => clearTimeout(timer));
}
