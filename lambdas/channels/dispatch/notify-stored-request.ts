import type { ApprovalStore, Clock, Notifier } from '#ports';
import { notifyApprovers } from '#usecases/notify-approvers';
import type { NotifyEvent } from './notify-event.ts';

export interface NotifyStoredDeps {
  readonly store: ApprovalStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
}

export type NotifyStoredOutcome = 'notified' | 'skipped_missing' | 'skipped_closed';

/**
 * The notifier function's work: tell the approvers of a stored request through every channel and
 * record each channel's outcome in the request's history. A request decided, or escalated again,
 * before the notification ran is skipped: its approvers have nothing (or someone else) to answer.
 */
export async function notifyStoredRequest(deps: NotifyStoredDeps, event: NotifyEvent): Promise<NotifyStoredOutcome> {
  const request = await deps.store.get(event.requestId);
  if (!request) return 'skipped_missing';
  if (request.status !== 'pending' || request.level !== event.level) return 'skipped_closed';
  await notifyApprovers(deps, request, event.reason);
  return 'notified';
}
