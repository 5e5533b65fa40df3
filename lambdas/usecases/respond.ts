import { auditEventId } from '#core/audit-events';
import { assertMayDecide } from '#core/authorization';
import { followUp } from '#core/follow-up';
import { AlreadyDecidedError, ConcurrentUpdateError, NotFoundError, ValidationError, WorkflowGoneError } from '#core/errors';
import type { Identity } from '#core/identity';
import { decide, isSameDecision } from '#core/lifecycle';
import { assertMayVoteAtLevel, needsVotes, quorumOutcome, tally, voteOf, type Tally } from '#core/quorum';
import type { ApprovalRequest, Decision, Outcome, Vote } from '#core/request';
import type { RespondBody } from '#core/respond-input';
import type { ApprovalStore, AuditLog, Clock, DecisionStats, ToolArgsValidator, Workflows } from '#ports';
import { DELIVERY_LEASE_MS, deliverDecision, type DeliveryResult } from './deliver-decision.ts';
import { owe, performFollowUps } from './perform-follow-ups.ts';

export interface RespondDeps {
  readonly store: ApprovalStore;
  readonly audit: AuditLog;
  readonly workflows: Workflows;
  readonly clock: Clock;
  readonly stats?: DecisionStats;
  /** Checks an approver's edited arguments against the tool's schema; without it they are checked when the tool runs. */
  readonly toolArgs?: ToolArgsValidator;
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
 * pending, so of two racing decisions exactly one wins). A k-of-n node records a vote per person;
 * the write that completes the quorum decides, and only that one resumes the workflow.
 */
export async function respond(deps: RespondDeps, input: RespondInput): Promise<RespondResult> {
  for (let attempt = 0; ; attempt++) {
    const request = await deps.store.get(input.id);
    if (!request) throw new NotFoundError(`approval ${input.id} not found`);
    assertMayDecide(input.identity, request);
    if (input.editedArgs !== undefined && request.action.kind !== 'tool_call') {
      throw new ValidationError('editedArgs apply to tool calls only', [{ path: 'editedArgs', message: 'this request is not a tool call' }]);
    }
    if (input.editedArgs !== undefined && request.action.kind === 'tool_call' && deps.toolArgs) {
      assertArgsFit(deps.toolArgs, request.action.toolCall.name, input.editedArgs);
    }
    try {
      return needsVotes(request.hitl) ? await vote(deps, request, input) : await decideAlone(deps, request, input);
    } catch (error) {
      // Someone else changed it first: a rival decision or vote, the sweeper, or an escalation. Look again.
      if (error instanceof ConcurrentUpdateError && attempt < CONCURRENT_RETRIES) continue;
      throw error;
    }
  }
}

async function decideAlone(deps: RespondDeps, request: ApprovalRequest, input: RespondInput): Promise<RespondResult> {
  const outcome = OUTCOME_OF[input.decision];
  if (request.status !== 'pending') return repeatOrConflict(request, input.identity.userId, outcome);
  return finalize(deps, request, decisionFrom(deps, input, outcome));
}

async function vote(deps: RespondDeps, request: ApprovalRequest, input: RespondInput): Promise<RespondResult> {
  const approver = input.identity.userId;
  const previous = voteOf(request, approver);
  if (request.status !== 'pending') {
    if (previous?.vote === input.decision || isSameDecision(request.decision, approver, OUTCOME_OF[input.decision])) {
      return repeated(request, tally(request.votes));
    }
    throw new AlreadyDecidedError(request.id, request.status);
  }
  assertMayVoteAtLevel(request, approver);
  if (previous) {
    if (previous.vote !== input.decision) throw new AlreadyDecidedError(request.id, `voted "${previous.vote}" by you`);
    // A repeated vote; finish the decision if a crash left the quorum reached but undecided.
    return settle(deps, request, input, false);
  }
  // The quorum is reached and its decision is on its way: a late vote no longer counts.
  if (quorumOutcome(request.hitl, request.votes)) throw new AlreadyDecidedError(request.id, 'decided by its quorum');
  const limit = input.decision === 'approve' ? request.hitl.quorum.approvals : request.hitl.quorum.rejections;
  const ballot: Vote = {
    approver,
    vote: input.decision,
    level: request.level,
    at: deps.clock.now().toISOString(),
    channel: input.channel,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
  };
  // The vote's audit entry is owed by the write that records the vote. Its detail leaves out the
  // tally: other votes may land between this read and that write.
  const owed = owe([followUp.audit({
    executionId: request.executionId,
    workflowId: request.workflowId,
    nodeId: request.nodeId,
    requestId: request.id,
    kind: 'vote',
    actor: approver,
    detail: { vote: input.decision, level: request.level, channel: input.channel },
    eventId: auditEventId.vote(request.id, approver, request.level),
  })], ballot.at);
  const voted = await deps.store.recordVote(request, ballot, limit, owed);
  await performFollowUps(deps, voted.id, { held: owed });
  return settle(deps, voted, input, true);
}

/** Decides the request if its votes reach the quorum; otherwise reports the tally. */
async function settle(deps: RespondDeps, request: ApprovalRequest, input: RespondInput, votedNow: boolean): Promise<RespondResult> {
  const outcome = quorumOutcome(request.hitl, request.votes);
  if (!outcome) return { approval: request, delivery: 'awaiting_votes', decidedNow: votedNow, tally: tally(request.votes) };
  const decision = decisionFrom(deps, input, outcome);
  const result = await finalize(deps, request, { ...decision, reason: decision.reason ?? `quorum reached: ${JSON.stringify(tally(request.votes))}` });
  return { ...result, tally: tally(request.votes) };
}

/** Edited arguments must meet the tool's schema before they are stored: a bad edit changes nothing. */
function assertArgsFit(toolArgs: ToolArgsValidator, toolName: string, editedArgs: Record<string, unknown>): void {
  const issues = toolArgs.validate(toolName, editedArgs).map((issue) => ({ path: issue.path ? `editedArgs.${issue.path}` : 'editedArgs', message: issue.message }));
  if (issues.length > 0) {
    throw new ValidationError(`editedArgs do not fit the arguments of ${toolName}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
}

function decisionFrom(deps: RespondDeps, input: RespondInput, outcome: Outcome): Decision {
  return {
    outcome,
    approver: input.identity.userId,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.editedArgs !== undefined && outcome === 'approved' ? { editedArgs: input.editedArgs } : {}),
    scope: input.scope,
    channel: input.channel,
    decidedAt: deps.clock.now().toISOString(),
  };
}

/** The one conditional write that decides (owing its audit entry and count), then those and delivery to the workflow. */
async function finalize(deps: RespondDeps, request: ApprovalRequest, decision: Decision): Promise<RespondResult> {
  const decided = decide(request, decision);
  const owed = owe([
    followUp.audit({
      executionId: decided.executionId,
      workflowId: decided.workflowId,
      nodeId: decided.nodeId,
      requestId: decided.id,
      kind: 'decision',
      actor: decision.approver,
      detail: {
        outcome: decision.outcome,
        channel: decision.channel,
        scope: decision.scope,
        level: request.level,
        ...(decision.reason ? { reason: decision.reason } : {}),
        ...(decision.editedArgs ? { editedArgs: decision.editedArgs } : {}),
      },
      eventId: auditEventId.decision(decided.id),
    }),
    followUp.stats(decision.outcome, decision.decidedAt, request.level),
  ], decision.decidedAt);
  const { taskToken } = await deps.store.transition(request, decided, new Date(deps.clock.now().getTime() + DELIVERY_LEASE_MS), owed);
  // The decision is stored; its audit entry, its count and its delivery are independent follow-ups,
  // so they run side by side and the workflow resumes without waiting for the bookkeeping.
  const [, delivered] = await Promise.all([
    performFollowUps(deps, decided.id, { held: owed }),
    deliverDecision(deps, decided, taskToken),
  ]);
  const delivery = delivered.result;
  if (delivery === 'workflow_gone') {
    throw new WorkflowGoneError(`the decision on ${decided.id} is recorded, but its workflow is no longer waiting (it timed out or was stopped)`);
  }
  return { approval: delivered.recorded ?? (await deps.store.get(decided.id)) ?? decided, delivery, decidedNow: true };
}

function deliveryOf(request: ApprovalRequest): DeliveryResult {
  return request.delivery === 'delivered' ? 'delivered' : request.delivery === 'workflow_gone' ? 'workflow_gone' : 'pending';
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
