import * as z from 'zod';
import { assertMayDecide, isBarredRequester } from './authorization.ts';
import { ForbiddenError } from './errors.ts';
import type { Identity } from './identity.ts';
import type { ApprovalRequest } from './request.ts';

/** The longest window one delegation may span: long enough for any leave, short enough to be reviewed. */
export const MAX_DELEGATION_DAYS = 366;

const userId = z.string().min(1).max(128).regex(/^[^\s,]+$/, 'a user id has no spaces or commas');
const instant = z.iso.datetime({ offset: true });

/** The body of `PUT /delegations/{userId}`: who stands in, and when. */
export const DelegationBodySchema = z
  .object({
    delegate: userId,
    from: instant,
    until: instant,
  })
  .strict()
  .superRefine((body, ctx) => {
    const from = Date.parse(body.from);
    const until = Date.parse(body.until);
    if (until <= from) ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be after from' });
    else if (until - from > MAX_DELEGATION_DAYS * 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: `a delegation spans at most ${MAX_DELEGATION_DAYS} days` });
    }
  });
export type DelegationBody = z.infer<typeof DelegationBodySchema>;

/** The user id in `/delegations/{userId}`. */
export const DelegatorIdSchema = userId;

/**
 * One person's stand-in for a time window (out of office). During the window the delegate may
 * decide what `userId` may decide, recorded as on their behalf; `userId` keeps their own rights.
 */
export const DelegationSchema = z.object({
  userId,
  delegate: userId,
  from: z.string(),
  until: z.string(),
  setBy: z.string(),
  setAt: z.string(),
});
export type Delegation = z.infer<typeof DelegationSchema>;

/** Whether the window holds `now` (from inclusive, until exclusive). */
export function isActiveAt(delegation: Pick<Delegation, 'from' | 'until'>, now: Date): boolean {
  const at = now.getTime();
  return Date.parse(delegation.from) <= at && at < Date.parse(delegation.until);
}

/** Only the person themselves or an admin may name or end their delegate. */
export function assertMayManageDelegation(caller: Identity, userId: string, isAdmin: boolean): void {
  if (caller.userId === userId || isAdmin) return;
  throw new ForbiddenError(`only ${userId} or an admin may set or end ${userId}'s delegation`);
}

/**
 * Throws ForbiddenError unless `delegate` may decide `request` on behalf of `delegator` (with the
 * delegator's own groups, never the delegate's). Separation of duties holds for both: neither the
 * delegate nor the delegator may be the requester (unless the node allows self-approval). Only the
 * approver rights of the delegator pass; admin rights do not take part in deciding at all.
 */
export function assertMayDecideOnBehalf(delegate: Identity, delegator: Identity, request: ApprovalRequest): void {
  if (isBarredRequester(delegate.userId, request)) {
    throw new ForbiddenError('you started this execution, so you cannot approve its requests, also not on behalf of someone else (separation of duties)');
  }
  assertMayDecide(delegator, request);
}
