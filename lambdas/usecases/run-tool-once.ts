import { ToolRunInProgressError } from '#core/flow-errors';
import type { ToolOutcome } from '#core/flow-state';
import type { Clock } from '#ports';
import type { ToolDefinition } from '../tools/tool.ts';
import type { ToolRunStore } from './flow-ports.ts';

export interface RunToolDeps {
  readonly toolRuns: ToolRunStore;
  readonly clock: Clock;
}

export interface RunToolInput {
  readonly tool: ToolDefinition<any>;
  readonly args: Record<string, unknown>;
  /** The approval request id, or `<execution>/<node>/<tool call id>` when no approval was needed. */
  readonly key: string;
  readonly executionId: string;
}

/** How long a run holds its key; a crashed run's key frees up after this, and the state machine retries past it. */
export const TOOL_RUN_LEASE_MS = 5 * 60_000;

/**
 * Runs a tool at most once per key: a finished run's stored outcome answers every retry (so a retried
 * Lambda never sends the same email twice), and a run in progress elsewhere makes this call fail with
 * Hitl.ToolRunInProgress, which the state machine retries. A tool that throws gives its claim back and
 * reports the error to the agent as the tool's result.
 */
export async function runToolOnce(deps: RunToolDeps, input: RunToolInput): Promise<ToolOutcome> {
  const existing = await deps.toolRuns.get(input.key);
  if (existing?.status === 'done' && existing.outcome) return existing.outcome;

  const now = deps.clock.now();
  const claimed = await deps.toolRuns.claim(
    { key: input.key, tool: input.tool.name, executionId: input.executionId },
    now,
    new Date(now.getTime() + TOOL_RUN_LEASE_MS),
  );
  if (!claimed) {
    const winner = await deps.toolRuns.get(input.key);
    if (winner?.status === 'done' && winner.outcome) return winner.outcome;
    throw new ToolRunInProgressError(input.key);
  }

  let outcome: ToolOutcome;
  try {
    outcome = { status: 'ok', result: await input.tool.run(input.args, { idempotencyKey: input.key, executionId: input.executionId }) };
  } catch (error) {
    await deps.toolRuns.release(input.key);
    return { status: 'error', error: `${input.tool.name} failed: ${(error as Error)?.message ?? String(error)}` };
  }
  await deps.toolRuns.complete(input.key, outcome, deps.clock.now());
  return outcome;
}
