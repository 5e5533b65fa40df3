import { ExecutionResultSchema, type ExecutionEnd } from '#core/flow-execution';
import type { Clock, ExecutionDescription } from '#ports';
import type { ExecutionStore } from './flow-ports.ts';

export interface RecordEndDeps {
  readonly executions: Pick<ExecutionStore, 'markEnded'>;
  readonly clock: Clock;
}

/** How a Step Functions execution that is over ended, in the record's terms; undefined while it runs. */
export function endOf(description: ExecutionDescription, at: string): ExecutionEnd | undefined {
  switch (description.status) {
    case 'RUNNING':
      return undefined;
    case 'SUCCEEDED': {
      const state = ExecutionResultSchema.safeParse(description.output);
      return {
        status: 'SUCCEEDED',
        at,
        result: state.success ? { output: state.data.output, conversation: state.data.conversation } : { output: null, conversation: [] },
      };
    }
    default:
      return {
        status: 'FAILED',
        at,
        error: description.error ?? `States.${description.status}`,
        cause: readableCause(description.cause) ?? `the execution ended as ${description.status}`,
      };
  }
}

/**
 * A Lambda task's cause is the runtime's error document (type, message, stack trace): API callers
 * get the message, not the trace.
 */
function readableCause(cause: string | undefined): string | undefined {
  if (cause === undefined) return undefined;
  try {
    const document = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof document?.errorMessage === 'string') return document.errorMessage;
  } catch {
    // not a Lambda error document
  }
  return cause;
}

/**
 * Records the end of an execution once Step Functions reports it over. Idempotent: the first report
 * wins, later ones change nothing. Returns the end, or undefined while the execution runs.
 */
export async function recordExecutionEnd(deps: RecordEndDeps, executionId: string, description: ExecutionDescription): Promise<ExecutionEnd | undefined> {
  const end = endOf(description, deps.clock.now().toISOString());
  if (end) await deps.executions.markEnded(executionId, end);
  return end;
}

/** What a state machine's Catch caught: Step Functions' error output. */
export interface CaughtFailure {
  readonly Error: string;
  readonly Cause?: string;
}

/**
 * Records, from inside the execution, the error that is about to fail it (its `RecordFailure`
 * state), so the record says why without waiting for someone to describe the execution. Idempotent
 * like `recordExecutionEnd`: an end recorded first stands.
 */
export async function recordCaughtFailure(deps: RecordEndDeps, executionId: string, failure: CaughtFailure): Promise<ExecutionEnd> {
  const end: ExecutionEnd = {
    status: 'FAILED',
    at: deps.clock.now().toISOString(),
    error: failure.Error,
    cause: readableCause(failure.Cause) ?? `the execution failed with ${failure.Error}`,
  };
  await deps.executions.markEnded(executionId, end);
  return end;
}
