/**
 * A tool call that did not succeed, with a message the agent can answer the user with. It never
 * carries header values, secrets or the endpoint's answer body.
 */
export class ToolCallError extends Error {
  constructor(
    message: string,
    /** Whether trying again may help (timeouts, 5xx, 429, unreachable endpoints). */
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ToolCallError';
  }
}
