import type { ApprovalView } from '../../api/types.ts';

type Hitl = ApprovalView['hitl'];
type Approvers = Hitl['approvers'];

/** Who decides at `level`: the node's approvers at 0 (a policy's own approvers when it names them), then each escalation level's. */
export function approversAt(hitl: Hitl, level: number, policyId?: string): Approvers | null {
  if (level > 0) return hitl.escalation[level - 1]?.approvers ?? null;
  const policy = policyId ? hitl.policies.find((candidate) => candidate.id === policyId) : undefined;
  return policy?.approvers ?? hitl.approvers;
}

/** "Level 1: finance (dave, erin)": the level with its approver groups and, in brackets, the people named. */
export function levelText(hitl: Hitl, level: number, policyId?: string): string {
  const approvers = approversAt(hitl, level, policyId);
  if (!approvers) return `Level ${level}`;
  const groups = approvers.groups.join(', ');
  const users = approvers.users.join(', ');
  const who = groups && users ? `${groups} (${users})` : groups || users || 'nobody named';
  return `Level ${level}${level === 0 ? ' (first approvers)' : ''}: ${who}`;
}

/** The votes needed to approve and to reject: the policy's quorum when it sets one, else the node's. */
export function quorumOf(hitl: Hitl, policyId?: string): { approvals: number; rejections: number } {
  const policy = policyId ? hitl.policies.find((candidate) => candidate.id === policyId) : undefined;
  return policy?.quorum ?? hitl.quorum;
}
