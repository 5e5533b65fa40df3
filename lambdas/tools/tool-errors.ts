/**
 * A tool call that did not succeed, with a message the agent can answer the user with. It never
 * carries header values, secrets or the endpoint's answer body.
 */
export class ToolCallError extends Error {
  readonly mayHaveHappened: boolean;

  constructor(
    message: string,
    /** Whether trying again may help (timeouts, 5xx, 429, unreachable endpoints). */
    readonly transient: boolean,
    options?: {
      cause?: unknown;
      /**
       * The request reached the service but its answer was lost or failed (a timeout, a 5xx, a
       * connection dropped mid-call): the effect may have happened. An at_most_once tool's run then
       * has an unknown outcome, for a person to decide on, instead of a plain error.
       */
      mayHaveHappened?: boolean;
    },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.mayHaveHappened = options?.mayHaveHappened ?? false;
    this.name = 'ToolCallError';
  }
}
