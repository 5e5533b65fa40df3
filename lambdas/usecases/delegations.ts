import { assertMayManageDelegation, type Delegation, type DelegationBody } from '#core/delegation';
import { NotFoundError, ValidationError } from '#core/errors';
import type { Identity } from '#core/identity';
import { isAdmin, type ReadAccess } from '#core/read-access';
import type { AuditLog, Clock, Delegations } from '#ports';
import type { Directory } from '../channels/directory.ts';

export interface DelegationAdminDeps {
  readonly delegations: Delegations;
  /** Who the known users are; a delegate must be one of them. */
  readonly directory: Pick<Directory, 'person'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly access: ReadAccess;
}

/** Delegations are audited under one pseudo-execution per delegating person, like flows under `flow:<id>`. */
export function delegationAuditExecutionId(userId: string): string {
  return `delegation:${userId}`;
}

/**
 * Names `userId`'s delegate for a window, replacing any earlier delegation; by that user or an
 * admin. Both must be known users (enabled, in the directory), and nobody stands in for themselves.
 * Times are stored in UTC, so the index sorts them by end time.
 */
export async function setDelegation(deps: DelegationAdminDeps, caller: Identity, userId: string, body: DelegationBody): Promise<Delegation> {
  assertMayManageDelegation(caller, userId, isAdmin(caller, deps.access));
  if (body.delegate === userId) throw new ValidationError('nobody can be their own delegate', [{ path: 'delegate', message: 'must be someone else' }]);
  const until = new Date(body.until);
  if (until.getTime() <= deps.clock.now().getTime()) throw new ValidationError('the window is already over', [{ path: 'until', message: 'must be in the future' }]);
  if (!(await deps.directory.person(userId))) throw new ValidationError(`${userId} is not a known user`, [{ path: 'userId', message: 'not in the directory' }]);
  if (!(await deps.directory.person(body.delegate))) {
    throw new ValidationError(`${body.delegate} is not a known user`, [{ path: 'delegate', message: 'not in the directory' }]);
  }
  const delegation: Delegation = {
    userId,
    delegate: body.delegate,
    from: new Date(body.from).toISOString(),
    until: until.toISOString(),
    setBy: caller.userId,
    setAt: deps.clock.now().toISOString(),
  };
  await deps.delegations.put(delegation);
  await deps.audit.append({
    executionId: delegationAuditExecutionId(userId),
    workflowId: 'delegation',
    kind: 'delegation_set',
    actor: caller.userId,
    detail: { userId, delegate: delegation.delegate, from: delegation.from, until: delegation.until },
  });
  return delegation;
}

/** `userId`'s delegation, for that user or an admin; 404 when there is none. */
export async function getDelegation(deps: Pick<DelegationAdminDeps, 'delegations' | 'access'>, caller: Identity, userId: string): Promise<Delegation> {
  assertMayManageDelegation(caller, userId, isAdmin(caller, deps.access));
  const delegation = await deps.delegations.get(userId);
  if (!delegation) throw new NotFoundError(`${userId} has no delegation`);
  return delegation;
}

/** Ends `userId`'s delegation at once, by that user or an admin; 404 when there is none. */
export async function endDelegation(deps: DelegationAdminDeps, caller: Identity, userId: string): Promise<Delegation> {
  assertMayManageDelegation(caller, userId, isAdmin(caller, deps.access));
  const ended = await deps.delegations.remove(userId);
  if (!ended) throw new NotFoundError(`${userId} has no delegation`);
  await deps.audit.append({
    executionId: delegationAuditExecutionId(userId),
    workflowId: 'delegation',
    kind: 'delegation_ended',
    actor: caller.userId,
    detail: { userId, delegate: ended.delegate, from: ended.from, until: ended.until },
  });
  return ended;
}
