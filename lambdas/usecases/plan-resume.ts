import type { ExecutionRecord } from '#core/flow-execution';
import type { ApprovalStore } from '#ports';

/** How many times local mode restarts an execution from its input before it gives up on it. */
export const MAX_RESTARTS_FROM_INPUT = 3;

/** What a restarted local engine does with an execution it finds still running. */
export type ResumePlan =
  /** Run again from the newest gate, with the state that gate checkpointed. */
  | { readonly from: 'checkpoint'; readonly stateName: string; readonly state: unknown; readonly requestId: string; readonly requestStatus: string }
  /** No gate was reached yet: run again from the input (tool runs are idempotent, so nothing is sent twice). */
  | { readonly from: 'input'; readonly state: unknown }
  | { readonly from: 'nowhere'; readonly cause: string };

/**
 * Decides where an execution that was running when the local engine stopped goes on from. The
 * newest request with a checkpoint wins, whatever its status: a pending one waits again, a decided
 * one is delivered to the re-run gate at once, and one already delivered replays the step after it
 * under the same idempotency key (so an approved email is not sent again).
 */
export async function planResume(deps: { readonly store: Pick<ApprovalStore, 'listByExecution'> }, record: ExecutionRecord): Promise<ResumePlan> {
  const requests = await deps.store.listByExecution(record.executionId);
  const newest = requests
    .filter((request) => request.checkpoint !== undefined)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (newest?.checkpoint) {
    return { from: 'checkpoint', stateName: newest.checkpoint.stateName, state: newest.checkpoint.state, requestId: newest.id, requestStatus: newest.status };
  }
  const restarts = record.runs.filter((run) => run.from === 'input').length;
  if (restarts >= MAX_RESTARTS_FROM_INPUT) {
    return { from: 'nowhere', cause: `the local engine stopped while this execution ran, ${restarts + 1} times; it was not restarted again` };
  }
  return { from: 'input', state: record.input };
}
