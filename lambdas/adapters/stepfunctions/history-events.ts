import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { WorkflowStepEvent } from '#ports';

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

type FailureDetails = { readonly error?: string; readonly cause?: string } | undefined;

/** The failure details of an event that fails the task or execution it belongs to, if it is one. */
function failureOf(event: HistoryEvent): FailureDetails {
  return (
    event.taskFailedEventDetails ??
    event.taskTimedOutEventDetails ??
    event.taskStartFailedEventDetails ??
    event.taskSubmitFailedEventDetails ??
    event.lambdaFunctionFailedEventDetails ??
    event.lambdaFunctionTimedOutEventDetails ??
    event.lambdaFunctionStartFailedEventDetails ??
    event.lambdaFunctionScheduleFailedEventDetails ??
    event.evaluationFailedEventDetails ??
    event.executionFailedEventDetails ??
    event.executionTimedOutEventDetails ??
    event.executionAbortedEventDetails
  );
}

/**
 * GetExecutionHistory's events as steps: `<Type>StateEntered` / `<Type>StateExited` name their
 * state; a failure event names none, so it belongs to the newest state entered and not yet exited.
 */
export function stepEventsOf(events: readonly HistoryEvent[]): WorkflowStepEvent[] {
  const steps: WorkflowStepEvent[] = [];
  const open: string[] = [];
  for (const event of events) {
    const at = (event.timestamp ?? new Date(0)).toISOString();
    const type = event.type ?? '';
    if (type.endsWith('StateEntered') && event.stateEnteredEventDetails) {
      const state = event.stateEnteredEventDetails.name ?? '';
      open.push(state);
      steps.push({ kind: 'entered', state, at, data: parseJson(event.stateEnteredEventDetails.input) });
    } else if (type.endsWith('StateExited') && event.stateExitedEventDetails) {
      const state = event.stateExitedEventDetails.name ?? '';
      const index = open.lastIndexOf(state);
      if (index >= 0) open.splice(index, 1);
      steps.push({ kind: 'exited', state, at, data: parseJson(event.stateExitedEventDetails.output) });
    } else {
      const failure = failureOf(event);
      const state = open.at(-1);
      if (failure && state !== undefined) {
        steps.push({ kind: 'failed', state, at, ...(failure.error ? { error: failure.error } : {}), ...(failure.cause ? { cause: failure.cause } : {}) });
      }
    }
  }
  return steps;
}
