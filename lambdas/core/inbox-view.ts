import { assertMayCancel, assertMayDecide } from './authorization.ts';
import { ForbiddenError } from './errors.ts';
import { maxExtensionAtLevel } from './hitl-config.ts';
import type { Identity } from './identity.ts';
import { extendedSecondsAtLevel } from './lifecycle.ts';
import type { ApprovalRequest } from './request.ts';

/** Which inbox actions the caller could take on `request` now; the routes still check for themselves. */
export interface InboxActions {
  readonly canCancel: boolean;
  readonly canExtend: boolean;
}

const allows = (check: () => void): boolean => {
  try {
    check();
    return true;
  } catch (error) {
    if (error instanceof ForbiddenError) return false;
    throw error;
  }
};

/** Cancel: pending, and the caller is its requester or an admin; a listing's fields are enough to tell. */
export function mayCancelNow(identity: Identity, request: Pick<ApprovalRequest, 'status' | 'requestedBy'>, isAdmin: boolean): boolean {
  return request.status === 'pending' && allows(() => assertMayCancel(identity, request, isAdmin));
}

/**
 * Cancel: see `mayCancelNow`. Extend: pending, the caller may
 * decide it in their own right, and its level has extension left.
 */
export function inboxActionsFor(identity: Identity, request: ApprovalRequest, isAdmin: boolean): InboxActions {
  if (request.status !== 'pending') return { canCancel: false, canExtend: false };
  const left = maxExtensionAtLevel(request.hitl, request.level, request.channel) - extendedSecondsAtLevel(request);
  return {
    canCancel: mayCancelNow(identity, request, isAdmin),
    canExtend: left > 0 && allows(() => assertMayDecide(identity, request)),
  };
}
