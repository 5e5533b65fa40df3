import type { Ok } from '../../api/types.ts';

/** A user's delegation as `GET /delegations/{userId}` answers it. */
export type Delegation = Ok<'/delegations/{userId}', 'get'>;

const WEEK_MS = 7 * 24 * 3_600_000;

/** `date` as a `datetime-local` input shows it: local time, to the minute. */
export function toLocalInput(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A `datetime-local` value as an ISO instant; empty or unreadable text stays as typed, for the API to name. */
export function fromLocalInput(value: string): string {
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

/** The window a new delegation starts with: from now for a week. */
export function defaultWindow(now: Date): { from: string; until: string } {
  return { from: toLocalInput(now), until: toLocalInput(new Date(now.getTime() + WEEK_MS)) };
}

/**
 * Whether to offer the "for user" field. Only a hint for the page: the server decides who is an
 * admin (HITL_ADMIN_GROUPS) and answers 403 to anyone else.
 */
export function looksLikeAdmin(groups: string): boolean {
  return groups.split(',').some((group) => ['admins', 'admin'].includes(group.trim()));
}
