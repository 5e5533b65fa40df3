import { randomUUID } from 'node:crypto';
import { ConcurrentUpdateError } from '#core/errors';
import type { ToolOutcome } from '#core/flow-state';
import type { UnknownOutcomeEvidence } from '#core/unknown-outcome';
import type { Clock, PayloadStore } from '#ports';
import type { ToolDefinition } from '../tools/tool.ts';
import { ToolCallError } from '../tools/tool-errors.ts';
import type { ToolRun, ToolRunStore } from './flow-ports.ts';
import { resolvePayloads, spillState } from './large-state.ts';

export interface RunToolDeps {
  readonly toolRuns: ToolRunStore;
  readonly clock: Clock;
  /** Where a result too large for its tool-run item is kept; without it, results are stored inline. */
  readonly payloads?: PayloadStore;
}

/**
 * The most of an outcome a tool-run item holds inline; larger texts in it are stored apart (see
 * `#core/payload-ref`), so the item stays under DynamoDB's 400 KB.
 */
export const TOOL_RUN_OUTCOME_BUDGET_BYTES = 300 * 1024;

export interface RunToolInput {
  readonly tool: ToolDefinition<any>;
  readonly args: Record<string, unknown>;
  /** The approval request id, or `<execution>/<node>/<tool call id>` when no approval was needed. */
  readonly key: string;
  readonly executionId: string;
  /** The invocation running the call (the Lambda request id); a fresh id when not given. */
  readonly attempt?: string;
}

// Each pass either finishes or loses a conditional write to another invocation; losing twice in a row
// means invocations keep racing on one key, which a state machine never does.
const MAX_PASSES = 3;

/**
 * Runs a tool call under its idempotency key with an intent record: the call is claimed (`running`,
 * with this invocation's attempt id), run, and its outcome stored (`done`); a stored outcome answers
 * every later run of the key, so a retried step never repeats a finished effect.
 *
 * A claim still `running` when another invocation comes to the key belongs to an invocation that died
 * between the effect and its record (a Step Functions retry or a local restart runs the step again
 * only after the previous invocation ended). It is recognised at once, with no lease to wait out, and
 * the tool's delivery contract decides what it becomes: an `idempotent` tool runs again under the same
 * key; an `at_most_once` tool is never run again on its own: its run is stored as `unknown` with the
 * evidence, and the caller asks a person (or tells the agent). A tool that throws gives its claim back
 * and reports the error to the agent as the tool's result.
 */
export async function runToolOnce(deps: RunToolDeps, input: RunToolInput): Promise<ToolOutcome> {
  const attempt = input.attempt ?? randomUUID();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const existing = await deps.toolRuns.get(input.key);
    if (existing && existing.status !== 'running' && existing.outcome) return readOutcome(deps, input.executionId, existing.outcome);

    if (!existing) {
      const claimed = await deps.toolRuns.claim({ key: input.key, tool: input.tool.name, executionId: input.executionId, attempt }, deps.clock.now());
      if (claimed) return runClaimed(deps, input, attempt);
      continue;
    }

    if (input.tool.delivery === 'idempotent') {
      if (await deps.toolRuns.takeOver(input.key, existing.attempt, attempt, deps.clock.now())) return runClaimed(deps, input, attempt);
      continue;
    }

    const outcome = unknownOutcome(input, existing, attempt, deps.clock.now());
    if (await deps.toolRuns.markUnknown(input.key, existing.attempt, outcome, deps.clock.now())) return outcome;
  }
  throw new ConcurrentUpdateError(`tool run ${input.key} kept changing while attempt ${attempt} tried to run it`);
}

async function runClaimed(deps: RunToolDeps, input: RunToolInput, attempt: string): Promise<ToolOutcome> {
  let outcome: ToolOutcome;
  try {
    outcome = { status: 'ok', result: await input.tool.run(input.args, { idempotencyKey: input.key, executionId: input.executionId }) };
  } catch (error) {
    if (input.tool.delivery === 'at_most_once' && error instanceof ToolCallError && error.mayHaveHappened) {
      // The call reached the service and its answer was lost: record that, never run it again on its own.
      const lost = lostAnswer(input, error, attempt, deps.clock.now());
      await deps.toolRuns.complete(input.key, attempt, lost, deps.clock.now());
      return lost;
    }
    await deps.toolRuns.release(input.key, attempt);
    return { status: 'error', error: `${input.tool.name} failed: ${(error as Error)?.message ?? String(error)}` };
  }
  // A crash between storing a large result and recording the run leaves the claim running: the next
  // invocation follows the delivery contract, and a re-run stores the same text in the same items.
  await deps.toolRuns.complete(input.key, attempt, await storableOutcome(deps, input.executionId, outcome), deps.clock.now());
  return outcome;
}

async function storableOutcome(deps: RunToolDeps, executionId: string, outcome: ToolOutcome): Promise<ToolOutcome> {
  if (!deps.payloads) return outcome;
  return (await spillState(deps.payloads, executionId, outcome, new Map(), TOOL_RUN_OUTCOME_BUDGET_BYTES)) as ToolOutcome;
}

async function readOutcome(deps: RunToolDeps, executionId: string, outcome: ToolOutcome): Promise<ToolOutcome> {
  if (!deps.payloads) return outcome;
  return (await resolvePayloads(deps.payloads, executionId, outcome)).value as ToolOutcome;
}

function lostAnswer(input: RunToolInput, error: ToolCallError, attempt: string, now: Date): Extract<ToolOutcome, { status: 'unknown' }> {
  const evidence: UnknownOutcomeEvidence = {
    tool: input.tool.name,
    idempotencyKey: input.key,
    startedAt: now.toISOString(),
    attempt,
    detectedAt: now.toISOString(),
    detectedBy: attempt,
    note: `${error.message}. The call reached ${input.tool.name}, so it may or may not have happened. ${input.tool.name} is at_most_once, so it was not run again.`.slice(0, 500),
  };
  return {
    status: 'unknown',
    reason: `${error.message}, so it may or may not have happened. It was not run again.`,
    evidence,
  };
}

function unknownOutcome(input: RunToolInput, interrupted: ToolRun, attempt: string, now: Date): Extract<ToolOutcome, { status: 'unknown' }> {
  const evidence: UnknownOutcomeEvidence = {
    tool: input.tool.name,
    idempotencyKey: input.key,
    startedAt: interrupted.startedAt,
    attempt: interrupted.attempt ?? 'unrecorded',
    detectedAt: now.toISOString(),
    detectedBy: attempt,
    note: `The run was claimed but never recorded an outcome: ${input.tool.name} may or may not have happened. ${input.tool.name} is at_most_once, so it was not run again.`,
  };
  return {
    status: 'unknown',
    reason: `${input.tool.name} was interrupted before its outcome was recorded, so it may or may not have happened. It was not run again.`,
    evidence,
  };
}
