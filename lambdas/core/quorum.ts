import { createHash } from 'node:crypto';
import { canonicalJson } from './audit-chain.ts';
import { ForbiddenError, ValidationError } from './errors.ts';
import type { HitlConfig } from './hitl-config.ts';
import type { ApprovalRequest, DecisionScope, Outcome, Vote } from './request.ts';

/**
 * k-of-n quorum. A quorum approves one exact set of arguments: approvals are counted per ballot,
 * the arguments they approve (the proposed ones, or a vote's edits, compared as canonical JSON), and
 * a ballot passes when k approvals name it. Every rejection counts towards the rejections needed,
 * whatever arguments were proposed. A decision reaches `execution` scope only when every vote that
 * makes it said so; one `once` among them keeps it to this call.
 */

/** The ballot of the proposed arguments; an edit's ballot is the hash of its canonical JSON. */
export const PROPOSED_BALLOT = 'proposed';

/** True when the node needs more than a single person's answer. */
export function needsVotes(config: HitlConfig): boolean {
  return config.quorum.approvals > 1 || config.quorum.rejections > 1;
}

/** Which arguments an approval with `editedArgs` approves: edits equal to the proposal join its ballot. */
export function ballotOf(request: ApprovalRequest, editedArgs: Record<string, unknown> | undefined): string {
  if (editedArgs === undefined) return PROPOSED_BALLOT;
  const edited = canonicalJson(editedArgs);
  if (request.action.kind === 'tool_call' && canonicalJson(request.action.toolCall.args) === edited) return PROPOSED_BALLOT;
  return createHash('sha256').update(edited).digest('hex').slice(0, 32);
}

export interface Tally {
  readonly approvals: number;
  readonly rejections: number;
  /** Approvals per ballot (`proposed`, or the hash of an edit), when any approval is an edit. */
  readonly ballots?: Readonly<Record<string, number>>;
}

export function tally(request: ApprovalRequest, votes: readonly Vote[] = request.votes ?? []): Tally {
  const approvals = votes.filter((v) => v.vote === 'approve');
  const ballots: Record<string, number> = {};
  for (const vote of approvals) {
    const ballot = ballotOf(request, vote.editedArgs);
    ballots[ballot] = (ballots[ballot] ?? 0) + 1;
  }
  return {
    approvals: approvals.length,
    rejections: votes.length - approvals.length,
    ...(Object.keys(ballots).some((ballot) => ballot !== PROPOSED_BALLOT) ? { ballots } : {}),
  };
}

/** What the votes decide: the outcome, the votes that made it (the last completed it), and what it approves. */
export interface QuorumDecision {
  readonly outcome: Extract<Outcome, 'approved' | 'rejected'>;
  readonly votes: readonly Vote[];
  readonly scope: DecisionScope;
  /** The approved ballot's arguments, when they differ from the proposed ones. */
  readonly editedArgs?: Record<string, unknown>;
}

/**
 * The decision the votes reach, if any. Rejection wins a tie, because a single "no" is the safer
 * default. Of two ballots that both reach k approvals (racing votes), the one completed first in the
 * stored order of votes decides; either way the arguments had k approvers.
 */
export function quorumOutcome(request: ApprovalRequest, votes: readonly Vote[] = request.votes ?? []): QuorumDecision | undefined {
  const { approvals: approvalsNeeded, rejections: rejectionsNeeded } = request.hitl.quorum;
  const rejections = votes.filter((v) => v.vote === 'reject');
  if (rejections.length >= rejectionsNeeded) return decided('rejected', rejections.slice(0, rejectionsNeeded));
  const ballots = new Map<string, Vote[]>();
  for (const vote of votes) {
    if (vote.vote !== 'approve') continue;
    const ballot = ballotOf(request, vote.editedArgs);
    const voters = [...(ballots.get(ballot) ?? []), vote];
    ballots.set(ballot, voters);
    if (voters.length === approvalsNeeded) {
      const made = decided('approved', voters);
      return ballot === PROPOSED_BALLOT ? made : { ...made, editedArgs: vote.editedArgs };
    }
  }
  return undefined;
}

function decided(outcome: QuorumDecision['outcome'], votes: readonly Vote[]): QuorumDecision {
  return { outcome, votes, scope: votes.every((v) => v.scope === 'execution') ? 'execution' : 'once' };
}

/** DynamoDB keeps at most 400 KB per item; a request and its votes are one item, so keep a margin. */
const MAX_REQUEST_BYTES = 350_000;

/**
 * Refuses an edited vote the request has no room for: the vote keeps its arguments, and a decision
 * on them copies them into the decision and its `decided` event (with their diff), so an edit costs
 * about four times its size. Votes on the proposed arguments or on an edit already stored still fit.
 */
export function assertRoomForVote(request: ApprovalRequest, vote: Vote): void {
  if (vote.editedArgs === undefined) return;
  const ballot = ballotOf(request, vote.editedArgs);
  if (ballot === PROPOSED_BALLOT || (request.votes ?? []).some((v) => v.vote === 'approve' && ballotOf(request, v.editedArgs) === ballot)) return;
  const bytes = utf8Bytes(request) + 4 * utf8Bytes(vote.editedArgs);
  if (bytes > MAX_REQUEST_BYTES) {
    throw new ValidationError('this request has no room for another set of edited arguments: approve the proposed arguments or an edit already voted for', [
      { path: 'editedArgs', message: `the request would grow to about ${bytes} bytes; at most ${MAX_REQUEST_BYTES} are kept` },
    ]);
  }
}

const utf8Bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/** With distinctApproversPerLevel, a voter of an earlier level cannot vote again after escalation. */
export function assertMayVoteAtLevel(request: Pick<ApprovalRequest, 'hitl' | 'votes' | 'level'>, approver: string): void {
  if (!request.hitl.distinctApproversPerLevel) return;
  const earlier = (request.votes ?? []).find((v) => voterOf(v) === approver && v.level < request.level);
  if (earlier) throw new ForbiddenError(`you voted at level ${earlier.level}; this level needs a different approver`);
}

/** Whose vote it is: the approver's own, or, cast by a delegate, the person they stand in for. */
export function voterOf(vote: Pick<Vote, 'approver' | 'onBehalfOf'>): string {
  return vote.onBehalfOf ?? vote.approver;
}

/** The vote that uses `voter`'s right, cast by them or by their delegate. */
export function voteOf(request: Pick<ApprovalRequest, 'votes'>, voter: string): Vote | undefined {
  return request.votes?.find((v) => voterOf(v) === voter);
}
