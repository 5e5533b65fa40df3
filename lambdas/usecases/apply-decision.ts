import { describeArgChanges, diffArgs } from '#core/args-diff';
import { ValidationError } from '#core/errors';
import { toolTurn, withGrant, type FlowState, type ToolOutcome } from '#core/flow-state';
import type { WorkflowDecision } from '#core/request';
import { notRepeatedReason, type UnknownOutcomeEvidence } from '#core/unknown-outcome';
import { routeAfterTool, withoutCall, type FlowStepInput } from './flow-step.ts';
import { auditableDetail } from './large-state.ts';
import { runToolOnce } from './run-tool-once.ts';
import { auditToolFailure, type ToolStepDeps } from './tool-step.ts';
import { askWhetherToRunAgain } from './unknown-outcome-gate.ts';

const DEFAULT_REASON: Record<Exclude<WorkflowDecision['outcome'], 'approved'>, string> = {
  rejected: 'An approver rejected this without giving a reason.',
  timed_out: 'No one decided in time.',
  cancelled: 'The request was cancelled without a reason.',
};

/**
 * Carries out the decision the gate returned. An approved tool call runs, with the approver's edited
 * arguments if any, under the approval request id as idempotency key; the request records the
 * arguments it ran with (an `executed` event), and the agent reads what the approver changed. A rejected or timed-out one
 * becomes a tool result that tells the agent why, so it can offer the user an alternative. An
 * `execution`-scoped answer is remembered in the grants. An approved answer is released to the user;
 * a rejected one ends the flow with a notice instead. An approved call interrupted before its outcome
 * was recorded follows its tool's delivery contract: an `at_most_once` one becomes a question at this
 * gate (`<step>#unknown`), and that question's approval runs it again under the new request's id.
 */
export async function applyDecision(deps: ToolStepDeps, input: FlowStepInput): Promise<FlowState> {
  const { state, node } = input;
  const { gate, decision } = state;
  if (!gate || !decision) {
    throw new ValidationError('no decision to apply', [{ path: 'state.decision', message: 'the gate returned no decision' }]);
  }
  const cleared: FlowState = { ...state, gate: null, decision: null };
  const reason = decision.outcome === 'approved' ? undefined : (decision.reason ?? DEFAULT_REASON[decision.outcome]);

  if (gate.action.kind === 'message') {
    const text = gate.action.text;
    if (decision.outcome === 'approved') {
      return { ...cleared, conversation: [...state.conversation, { role: 'assistant', content: text }], output: { message: text }, next: 'done', turns: 0 };
    }
    const notice = `A reviewer held this answer back: ${reason}`;
    return { ...cleared, conversation: [...state.conversation, { role: 'assistant', content: notice }], output: { message: notice, heldBack: true }, next: 'end', turns: 0 };
  }

  const call = gate.action.toolCall;
  const grants =
    decision.scope === 'execution' ? withGrant(state.grants, call.name, decision.outcome === 'approved' ? 'allow' : 'deny') : state.grants;
  const outcome =
    gate.outcomeUnknown && decision.outcome !== 'approved'
      ? leftUnknown(gate.outcomeUnknown, decision, reason!)
      : await outcomeOf(deps, input, decision, call, reason);
  if (outcome.status === 'unknown' && decision.outcome === 'approved') {
    const ranWith = { ...call, args: decision.editedArgs ?? call.args };
    const asked = await askWhetherToRunAgain(deps, input, { ...cleared, grants }, { step: gate.step, call: ranWith, outcome, overrides: gate.policy?.overrides });
    if (asked) return asked;
  }
  const pending = withoutCall(state.pending, call.id);
  return {
    ...cleared,
    grants,
    pending,
    conversation: [...state.conversation, toolTurn(call, outcome)],
    next: routeAfterTool(node, pending),
  };
}

/** An interrupted call a person chose not to run again (or no one decided about): the agent reads that it may or may not have happened. */
function leftUnknown(evidence: UnknownOutcomeEvidence, decision: WorkflowDecision, reason: string): ToolOutcome {
  if (decision.outcome === 'timed_out') return { status: 'unknown', reason: notRepeatedReason(evidence, reason), evidence };
  return { status: 'unknown', reason: notRepeatedReason(evidence, `${decision.approver} chose not to run it again: ${reason}`), evidence, approver: decision.approver };
}

async function outcomeOf(
  deps: ToolStepDeps,
  input: FlowStepInput,
  decision: WorkflowDecision,
  call: { id: string; name: string; args: Record<string, unknown> },
  reason: string | undefined,
): Promise<ToolOutcome> {
  if (decision.outcome === 'rejected') return { status: 'rejected', reason: reason!, approver: decision.approver };
  // A withdrawn request reaches the agent as a rejection that says so, with the canceller's reason.
  if (decision.outcome === 'cancelled') return { status: 'rejected', reason: `The request was cancelled: ${reason!}`, approver: decision.approver };
  if (decision.outcome === 'timed_out') return { status: 'timed_out', reason: reason! };
  const tool = deps.tools.get(call.name);
  if (!tool) return { status: 'error', error: `tool "${call.name}" is no longer available` };
  const args = tool.input.safeParse(decision.editedArgs ?? call.args);
  if (!args.success) {
    return { status: 'error', error: `the approved arguments for ${call.name} are invalid: ${args.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ')}` };
  }
  const outcome = await runToolOnce(deps, { tool, args: args.data, key: decision.requestId, executionId: input.executionId, attempt: input.attempt });
  await auditToolFailure(deps, input, call, outcome);
  if (outcome.status !== 'ok') return outcome;
  await recordExecuted(deps, decision.requestId, call.name, args.data);
  const changes = decision.editedArgs ? diffArgs(call.args, decision.editedArgs) : [];
  return {
    ...outcome,
    approvedBy: decision.approver,
    ...(decision.editedArgs ? { editedArgs: decision.editedArgs } : {}),
    ...(changes.length > 0 ? { notice: `An approver changed the arguments: ${describeArgChanges(changes)}` } : {}),
  };
}

/**
 * Adds the `executed` event to the request once the tool ran: its proposed arguments are in `action`,
 * the approved ones in `decision.editedArgs`, and these are the ones the tool ran with (schema defaults
 * filled in). A replayed step finds the event and adds none. Large texts among them are kept as
 * references (as in the audit log), so the request's item stays under DynamoDB's 400 KB.
 */
async function recordExecuted(deps: ToolStepDeps, requestId: string, toolName: string, args: Record<string, unknown>): Promise<void> {
  const request = await deps.store.get(requestId);
  if (!request || request.events.some((event) => event.type === 'executed')) return;
  await deps.store.appendEvent(requestId, {
    at: deps.clock.now().toISOString(),
    type: 'executed',
    actor: `tool:${toolName}`,
    detail: await auditableDetail(deps.payloads, request.executionId, { args }),
  });
}
