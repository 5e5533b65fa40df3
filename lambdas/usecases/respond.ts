import { auditEventId } from '#core/audit-events';
import { followUp } from '#core/follow-up';
import { AlreadyDecidedError, ConcurrentUpdateError, NotFoundError, ValidationError, WorkflowGoneError } from '#core/errors';
import type { Identity } from '#core/identity';
import { decide, isSameDecision } from '#core/lifecycle';
import { assertMayVoteAtLevel, assertRoomForVote, ballotOf, needsVotes, quorumOutcome, tally, voteOf, type Tally } from '#core/quorum';
import type { ApprovalRequest, Decision, Outcome, Vote } from '#core/request';
import type { RespondBody } from '#core/respond-input';
import type { ApprovalStore, AuditLog, Clock, ToolArgsValidator, DurableCallbacks, WebhookDelivery, Workflows } from '#ports';
import { DELIVERY_LEASE_MS, type DeliveryResult } from './deliver-decision.ts';
import { deliverWithFollowUps } from './deliver-with-follow-ups.ts';
import { owe, performFollowUps } from './perform-follow-ups.ts';
import { sealAuditFollowUps } from './seal-audit.ts';
import { resolveDecider, type Decider, type DelegationDeps } from './resolve-decider.ts';

/** A decision an approver's answer makes (a cancellation is not one). */
type ApproverDecision = Decision & { readonly outcome: 'approved' | 'rejected' };

export interface RespondDeps extends DelegationDeps {
  readonly store: ApprovalStore;
  readonly audit: AuditLog;
  readonly workflows: Workflows;
  readonly clock: Clock;
  /** Checks an approver's edited arguments against the tool's schema; without it they are checked when the tool runs. */
  readonly toolArgs?: ToolArgsValidator;
  /** How decisions reach the webhooks of requests made over HTTP. */
  readonly webhooks?: WebhookDelivery;
  /** How decisions complete the callbacks of Lambda durable functions that asked over HTTP. */
  readonly durableCallbacks?: DurableCallbacks;
}

export interface RespondInput extends RespondBody {
  readonly id: string;
  readonly identity: Identity;
  /** Where the decision came from: api, email, slack, dashboard. */
  readonly channel: string;
}

export interface RespondResult {
  readonly approval: ApprovalRequest;
  /**
   * Whether the waiting workflow has the decision: `pending` means the sweeper will deliver it,
   * `awaiting_votes` that the vote counts but the node needs more before it decides.
   */
  readonly delivery: DeliveryResult | 'awaiting_votes';
  /** False when this call repeated a decision or vote already stored. */
  readonly decidedNow: boolean;
  readonly tally?: Tally;
}

const OUTCOME_OF = { approve: 'approved', reject: 'rejected' } as const satisfies Record<RespondBody['decision'], Outcome>;
const CONCURRENT_RETRIES = 5;

/**
 * An approver's answer. A single-approver node is decided with one conditional write (only while
 * pending, so of two racing decisions exactly one wins). A k-of-n node records a vote per person,
 * with its own arguments and scope; the write that gives one set of arguments its k-th approval (or
 * the rejections their count) decides, and only that one resumes the workflow. Edited arguments must
 * fit the tool's schema and pass the node's policy as the editor (see assertEditPermitted).
 */
export async function respond(deps: RespondDeps, input: RespondInput): Promise<RespondResult> {
  for (let attempt = 0; ; attempt++) {
    const request = await deps.store.get(input.id);
    if (!request) throw new NotFoundError(`approval ${input.id} not found`);
    const decider = await resolveDecider(deps, input.identity, request);
    if (input.editedArgs !== undefined && request.action.kind !== 'tool_call') {
      throw new ValidationError('editedArgs apply to tool calls only', [{ path: 'editedArgs', message: 'this request is not a tool call' }]);
    }
    if (input.editedArgs !== undefined && request.action.kind === 'tool_call') {
      const toolName = request.action.toolCall.name;
      if (deps.toolArgs) await assertArgsFit(deps.toolArgs, toolName, input.editedArgs);
      // The edit policy runs the gate policy with its CEL engine, loaded on the first edit rather than at every cold start.
      const { assertEditPermitted } = await import('#core/edit-policy');
      assertEditPermitted(request, (await deps.toolArgs?.withDefaults(toolName, input.editedArgs)) ?? input.editedArgs, decider.rights);
    }
    try {
      return needsVotes(request.hitl) ? await vote(deps, request, input, decider) : await decideAlone(deps, request, input, decider);
    } catch (error) {
      // Someone else changed it first: a rival decision or vote, the sweeper, or an escalation. Look again.
      if (error instanceof ConcurrentUpdateError && attempt < CONCURRENT_RETRIES) continue;
      throw error;
    }
  }
}

async function decideAlone(deps: RespondDeps, request: ApprovalRequest, input: RespondInput, decider: Decider): Promise<RespondResult> {
  const outcome = OUTCOME_OF[input.decision];
  if (request.status !== 'pending') return repeatOrConflict(request, input.identity.userId, outcome);
  return finalize(deps, request, decisionFrom(deps, input, outcome, decider));
}

async function vote(deps: RespondDeps, request: ApprovalRequest, input: RespondInput, decider: Decider): Promise<RespondResult> {
  const approver = input.identity.userId;
  // A delegate votes with the right of the person they stand in for: that person's one vote.
  const voter = decider.onBehalfOf ?? approver;
  const previous = voteOf(request, voter);
  const ballot: Vote = {
    approver,
    ...(decider.onBehalfOf !== undefined ? { onBehalfOf: decider.onBehalfOf } : {}),
    vote: input.decision,
    level: request.level,
    at: deps.clock.now().toISOString(),
    channel: input.channel,
    scope: input.scope,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.editedArgs !== undefined ? { editedArgs: input.editedArgs } : {}),
  };
  if (request.status !== 'pending') {
    if ((previous && isSameVote(request, previous, ballot)) || (!previous && isSameDecision(request.decision, approver, OUTCOME_OF[input.decision]))) {
      return repeated(request, tally(request));
    }
    throw new AlreadyDecidedError(request.id, request.status);
  }
  assertMayVoteAtLevel(request, voter);
  if (previous && previous.approver !== approver) {
    // The right was used by someone else: the delegate for the delegator, or the delegator before the delegate.
    throw new AlreadyDecidedError(request.id, `voted "${previous.vote}" with ${voter}'s vote by ${previous.approver}`);
  }
  if (previous) {
    // One vote per person: another answer, other arguments or another scope would be a second vote.
    if (!isSameVote(request, previous, ballot)) throw new AlreadyDecidedError(request.id, `voted "${previous.vote}" by you, ${describeVote(request, previous)}`);
    // A repeated vote; finish the decision if a crash left the quorum reached but undecided.
    return settle(deps, request, false);
  }
  // The quorum is reached and its decision is on its way: a late vote no longer counts.
  if (quorumOutcome(request)) throw new AlreadyDecidedError(request.id, 'decided by its quorum');
  assertRoomForVote(request, ballot);
  const limit = input.decision === 'approve' ? request.hitl.quorum.approvals : request.hitl.quorum.rejections;
  // The vote's audit entry is owed by the write that records the vote. Its detail leaves out the
  // tally: other votes may land between this read and that write.
  const owed = owe([followUp.audit({
    executionId: request.executionId,
    workflowId: request.workflowId,
    nodeId: request.nodeId,
    requestId: request.id,
    kind: 'vote',
    actor: approver,
    detail: {
      vote: input.decision,
      ...(decider.onBehalfOf !== undefined ? { onBehalfOf: decider.onBehalfOf } : {}),
      level: request.level,
      channel: input.channel,
      scope: input.scope,
      ...(input.editedArgs !== undefined ? { editedArgs: input.editedArgs } : {}),
    },
    eventId: auditEventId.vote(request.id, approver, request.level),
  })], ballot.at);
  const voted = await deps.store.recordVote(request, ballot, ballotOf(request, ballot.editedArgs), limit, owed);
  await performFollowUps(deps, voted.id, { held: owed });
  return settle(deps, voted, true);
}

/** The same answer on the same arguments with the same scope: a repeat, not a second vote. */
function isSameVote(request: ApprovalRequest, previous: Vote, next: Vote): boolean {
  if (previous.vote !== next.vote || (previous.scope ?? 'once') !== next.scope) return false;
  return next.vote === 'reject' || ballotOf(request, previous.editedArgs) === ballotOf(request, next.editedArgs);
}

function describeVote(request: ApprovalRequest, vote: Vote): string {
  const args = vote.vote === 'approve' && ballotOf(request, vote.editedArgs) !== 'proposed' ? 'on edited arguments' : 'on the proposed arguments';
  return `${vote.vote === 'approve' ? args : 'rejecting'}, scope "${vote.scope ?? 'once'}"`;
}

/**
 * Decides the request if its votes reach the quorum; otherwise reports the tally. The decision is
 * made of the votes that reached it, whoever's call gets here: their arguments, their narrowest
 * scope, and the vote that completed it as approver.
 */
async function settle(deps: RespondDeps, request: ApprovalRequest, votedNow: boolean): Promise<RespondResult> {
  const reached = quorumOutcome(request);
  const counted = tally(request);
  if (!reached) return { approval: request, delivery: 'awaiting_votes', decidedNow: votedNow, tally: counted };
  const last = reached.votes.at(-1)!;
  const result = await finalize(deps, request, {
    outcome: reached.outcome,
    approver: last.approver,
    ...(last.onBehalfOf !== undefined ? { onBehalfOf: last.onBehalfOf } : {}),
    reason: last.reason ?? `quorum reached: ${JSON.stringify(counted)}`,
    ...(reached.editedArgs !== undefined ? { editedArgs: reached.editedArgs } : {}),
    scope: reached.scope,
    channel: last.channel,
    decidedAt: deps.clock.now().toISOString(),
  });
  return { ...result, tally: counted };
}

/** Edited arguments must meet the tool's schema before they are stored: a bad edit changes nothing. */
async function assertArgsFit(toolArgs: ToolArgsValidator, toolName: string, editedArgs: Record<string, unknown>): Promise<void> {
  const issues = (await toolArgs.validate(toolName, editedArgs)).map((issue) => ({ path: issue.path ? `editedArgs.${issue.path}` : 'editedArgs', message: issue.message }));
  if (issues.length > 0) {
    throw new ValidationError(`editedArgs do not fit the arguments of ${toolName}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
}

function decisionFrom(deps: RespondDeps, input: RespondInput, outcome: ApproverDecision['outcome'], decider: Decider): ApproverDecision {
  return {
    outcome,
    approver: input.identity.userId,
    ...(decider.onBehalfOf !== undefined ? { onBehalfOf: decider.onBehalfOf } : {}),
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.editedArgs !== undefined && outcome === 'approved' ? { editedArgs: input.editedArgs } : {}),
    scope: input.scope,
    channel: input.channel,
    decidedAt: deps.clock.now().toISOString(),
  };
}

/**
 * The one conditional write that decides, owing its audit entry (sealed onto the request's chain by
 * that write); then SendTaskSuccess at once, the third AWS call on the way (read, write, send). The
 * entry is stored beside it, and one write records the delivery and marks it done. Until that write
 * it stays owed on the item: a crash anywhere after the decision leaves it to the sweeper, which
 * stores the same sealed entry at the same place (never twice). The decision owes no count: the
 * sweeper's rollup counts it from the decided timeline.
 */
async function finalize(deps: RespondDeps, request: ApprovalRequest, decision: ApproverDecision): Promise<RespondResult> {
  const decided = decide(request, decision);
  const owed = await sealAuditFollowUps(deps.audit, request, owe([
    followUp.audit({
      executionId: decided.executionId,
      workflowId: decided.workflowId,
      nodeId: decided.nodeId,
      requestId: decided.id,
      kind: 'decision',
      actor: decision.approver,
      detail: {
        outcome: decision.outcome,
        ...(decision.onBehalfOf !== undefined ? { onBehalfOf: decision.onBehalfOf } : {}),
        channel: decision.channel,
        scope: decision.scope,
        level: request.level,
        ...(decision.reason ? { reason: decision.reason } : {}),
        ...(decision.editedArgs ? { editedArgs: decision.editedArgs } : {}),
      },
      eventId: auditEventId.decision(decided.id),
    }),
  ], decision.decidedAt));
  const { taskToken } = await deps.store.transition(request, decided, new Date(deps.clock.now().getTime() + DELIVERY_LEASE_MS), owed);
  const delivered = await deliverWithFollowUps(deps, decided, taskToken, owed);
  const delivery = delivered.result;
  if (delivery === 'workflow_gone') {
    throw new WorkflowGoneError(`the decision on ${decided.id} is recorded, but its workflow is no longer waiting (it timed out or was stopped)`);
  }
  return { approval: delivered.recorded ?? (await deps.store.get(decided.id)) ?? decided, delivery, decidedNow: true };
}

function deliveryOf(request: ApprovalRequest): DeliveryResult {
  return request.delivery === undefined ? 'pending' : request.delivery;
}

function repeatOrConflict(request: ApprovalRequest, approver: string, outcome: Outcome): RespondResult {
  if (isSameDecision(request.decision, approver, outcome)) return repeated(request);
  throw new AlreadyDecidedError(request.id, request.status);
}

/** A repeated answer gets what the first got: a decision its workflow never received is a 410 again, not a 200. */
function repeated(request: ApprovalRequest, tallied?: Tally): RespondResult {
  if (request.delivery === 'workflow_gone') {
    throw new WorkflowGoneError(`the decision on ${request.id} is recorded, but its workflow is no longer waiting (it timed out or was stopped)`);
  }
  return { approval: request, delivery: deliveryOf(request), decidedNow: false, ...(tallied ? { tally: tallied } : {}) };
}
