import { ForbiddenError } from './errors.ts';
import type { HitlConfig } from './hitl-config.ts';
import type { ApprovalRequest, Outcome, Vote } from './request.ts';

/** True when the node needs more than a single person's answer. */
export function needsVotes(config: HitlConfig): boolean {
  return config.quorum.approvals > 1 || config.quorum.rejections > 1;
}

export interface Tally {
  readonly approvals: number;
  readonly rejections: number;
}

export function tally(votes: readonly Vote[] = []): Tally {
  return {
    approvals: votes.filter((v) => v.vote === 'approve').length,
    rejections: votes.filter((v) => v.vote === 'reject').length,
  };
}

/** The outcome the votes reach, if any: rejection wins a tie because a single "no" is the safer default. */
export function quorumOutcome(config: HitlConfig, votes: readonly Vote[] = []): Outcome | undefined {
  const { approvals, rejections } = tally(votes);
  if (rejections >= config.quorum.rejections) return 'rejected';
  if (approvals >= config.quorum.approvals) return 'approved';
  return undefined;
}

/** With distinctApproversPerLevel, a voter of an earlier level cannot vote again after escalation. */
export function assertMayVoteAtLevel(request: ApprovalRequest, approver: string): void {
  if (!request.hitl.distinctApproversPerLevel) return;
  const earlier = (request.votes ?? []).find((v) => v.approver === approver && v.level < request.level);
  if (earlier) throw new ForbiddenError(`you voted at level ${earlier.level}; this level needs a different approver`);
}

export function voteOf(request: ApprovalRequest, approver: string): Vote | undefined {
  return request.votes?.find((v) => v.approver === approver);
}
