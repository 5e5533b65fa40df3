import { ForbiddenError } from './errors.ts';
import { approversAtLevel, type Approvers } from './hitl-config.ts';
import type { Identity } from './identity.ts';
import type { ApprovalRequest } from './request.ts';

/** True when `approvers` list the caller's user id or one of their groups. */
export function isListed(identity: Identity, approvers: Approvers): boolean {
  return approvers.users.includes(identity.userId) || identity.groups.some((group) => approvers.groups.includes(group));
}

/**
 * Throws ForbiddenError unless `identity` may decide `request` now. Approvers of the current level
 * and of every earlier level may decide (escalation widens the circle, it does not move it) unless
 * the node wants distinct approvers per level; the user who started the execution may not, unless
 * the node allows self-approval.
 */
export function assertMayDecide(identity: Identity, request: Pick<ApprovalRequest, 'requestedBy' | 'hitl' | 'level' | 'nodeId' | 'workflowId'>): void {
  if (isBarredRequester(identity.userId, request)) {
    throw new ForbiddenError('you started this execution, so you cannot approve its requests (separation of duties)');
  }
  // With distinct approvers per level, an escalation hands the request to the new level alone.
  const firstLevel = request.hitl.distinctApproversPerLevel ? request.level : 0;
  for (let level = firstLevel; level <= request.level; level++) {
    if (isListed(identity, approversAtLevel(request.hitl, level))) return;
  }
  throw new ForbiddenError(`you are not an approver for node "${request.nodeId}" of workflow "${request.workflowId}"`);
}

/**
 * Whether `userId` started the execution of `request` and so may not decide it (separation of
 * duties). Notifications use it too: nobody is sent links they could not use.
 */
export function isBarredRequester(userId: string, request: Pick<ApprovalRequest, 'requestedBy' | 'hitl'>): boolean {
  return request.requestedBy !== undefined && userId === request.requestedBy && !request.hitl.allowSelfApproval;
}

/**
 * Throws ForbiddenError unless `identity` may cancel `request`: the user who started its execution,
 * or an admin. Approvers answer a request; withdrawing it is for whoever asked.
 */
export function assertMayCancel(identity: Identity, request: Pick<ApprovalRequest, 'requestedBy'>, isAdmin: boolean): void {
  if (isAdmin || (request.requestedBy !== undefined && request.requestedBy === identity.userId)) return;
  throw new ForbiddenError('only the requester or an admin may cancel a request');
}
