import * as z from 'zod';
import { assertMayDecide, isListed } from './authorization.ts';
import { ForbiddenError } from './errors.ts';
import { groupListEnv } from './group-list.ts';
import { approversAtLevel } from './hitl-config.ts';
import type { Identity } from './identity.ts';
import { assertMayVoteAtLevel, voteOf } from './quorum.ts';
import type { ListedRequest } from './listed-request.ts';
import { parseConfig } from './validation.ts';

/**
 * Who may read what (the README's "Who may read what" table):
 * - admins read everything;
 * - an approver reads the requests that name them, or a group of theirs, at any escalation level of
 *   the request's effective settings (a policy's approver override included), and the executions
 *   those requests belong to;
 * - a requester reads the executions they started and the requests those made;
 * - history, the audit log and statistics are for admins and auditors.
 * Nobody else reads anything, and a single read they may not make looks like an unknown id.
 */
export interface ReadAccess {
  readonly adminGroups: readonly string[];
  readonly auditorGroups: readonly string[];
}

export const DEFAULT_READ_ACCESS: ReadAccess = { adminGroups: ['admins'], auditorGroups: ['auditors'] };

/** The environment variables that set the groups, for a function's own configuration schema to include. */
export const READ_ACCESS_ENV = {
  HITL_ADMIN_GROUPS: groupListEnv('admins', 'admin'),
  HITL_AUDITOR_GROUPS: groupListEnv('auditors', 'auditor'),
};
const ReadAccessEnvSchema = z.object(READ_ACCESS_ENV);

/** The groups as parsed by a schema that includes READ_ACCESS_ENV. */
export function readAccessOf(parsed: z.infer<typeof ReadAccessEnvSchema>): ReadAccess {
  return { adminGroups: parsed.HITL_ADMIN_GROUPS, auditorGroups: parsed.HITL_AUDITOR_GROUPS };
}

/** The admin and auditor groups from HITL_ADMIN_GROUPS and HITL_AUDITOR_GROUPS (comma-separated). Throws naming a bad value. */
export function readAccessFrom(env: Readonly<Record<string, string | undefined>>): ReadAccess {
  return readAccessOf(parseConfig(ReadAccessEnvSchema, env, 'read access configuration'));
}

const inAny = (identity: Identity, groups: readonly string[]) => identity.groups.some((group) => groups.includes(group));

export function isAdmin(identity: Identity, access: ReadAccess): boolean {
  return inAny(identity, access.adminGroups);
}

/** Auditors read history, the audit log and statistics; admins are auditors too. */
export function isAuditor(identity: Identity, access: ReadAccess): boolean {
  return isAdmin(identity, access) || inAny(identity, access.auditorGroups);
}

/** True when `request`'s approvers name the caller at any of its levels, reached or not. */
export function isApproverOf(identity: Identity, request: Pick<ListedRequest, 'hitl'>): boolean {
  for (let level = 0; level <= request.hitl.escalation.length; level++) {
    if (isListed(identity, approversAtLevel(request.hitl, level))) return true;
  }
  return false;
}

/** Admins, the request's approvers at any level, the person it was made for, and the agent that created it. */
export function mayReadRequest(identity: Identity, request: Pick<ListedRequest, 'hitl' | 'requestedBy' | 'createdBy'>, access: ReadAccess): boolean {
  const isOwn = [request.requestedBy, request.createdBy].some((owner) => owner !== undefined && owner === identity.userId);
  return isOwn || isAdmin(identity, access) || isApproverOf(identity, request);
}

/** An execution is readable by admins, by whoever started it, and by whoever may read one of its requests. */
export function mayReadExecution(identity: Identity, execution: { readonly startedBy: string }, requests: readonly ListedRequest[], access: ReadAccess): boolean {
  return isAdmin(identity, access) || execution.startedBy === identity.userId || requests.some((request) => mayReadRequest(identity, request, access));
}

/**
 * Whether the caller could decide `request` now: what `respond` would accept as a first answer. It
 * tells the dashboard where to offer Approve and Reject; `respond` still checks for itself.
 */
export function mayDecideNow(identity: Identity, request: ListedRequest): boolean {
  if (request.status !== 'pending' || voteOf(request, identity.userId)) return false;
  try {
    assertMayDecide(identity, request);
    assertMayVoteAtLevel(request, identity.userId);
    return true;
  } catch (error) {
    if (error instanceof ForbiddenError) return false;
    throw error;
  }
}

/** Throws ForbiddenError (403) unless the caller is an admin or an auditor: the route itself is theirs. */
export function assertAuditor(identity: Identity, access: ReadAccess, what: string): void {
  if (isAuditor(identity, access)) return;
  throw new ForbiddenError(`only members of ${[...access.adminGroups, ...access.auditorGroups].join(' or ')} may read ${what}`);
}
