import type { ApprovalRequest, HistoryEvent } from '#core/request';
import type { ApprovalStore, Clock, Notifier, NotifyReason } from '#ports';

export interface NotifyDeps {
  readonly store: ApprovalStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
}

/**
 * Tells the approvers and records, per channel, that it did or why it could not. Never throws: a
 * channel that is down must not hold up the gate, and the request stays answerable through the API.
 */
export async function notifyApprovers(deps: NotifyDeps, request: ApprovalRequest, reason: NotifyReason): Promise<void> {
  await recordNotes(deps.store, request.id, await tellApprovers(deps, request, reason));
}

/** Appends history notes of notices sent, one write each, best effort: the request itself is stored and answerable. */
export async function recordNotes(store: ApprovalStore, requestId: string, notes: readonly HistoryEvent[]): Promise<void> {
  for (const note of notes) await store.appendEvent(requestId, note).catch(() => undefined);
}

/**
 * Tells the approvers and resolves to the history notes that say so, one per channel, for the caller
 * to record in a write it makes anyway (a follow-up's completion). Never rejects.
 */
export async function tellApprovers(deps: Omit<NotifyDeps, 'store'>, request: ApprovalRequest, reason: NotifyReason): Promise<HistoryEvent[]> {
  let reports;
  try {
    reports = await deps.notifier.notify(request, reason);
  } catch (error) {
    reports = [{ channel: 'notifier', ok: false, error: (error as Error)?.message ?? String(error) }];
  }
  const at = deps.clock.now().toISOString();
  return reports.map((report) => ({
    at,
    type: report.ok ? 'notified' : 'notify_failed',
    actor: `channel:${report.channel}`,
    detail: { reason, ...(report.recipients ? { recipients: report.recipients } : {}), ...(report.error ? { error: report.error } : {}) },
  }));
}
