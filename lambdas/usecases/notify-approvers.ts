import type { ApprovalRequest } from '#core/request';
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
  let reports;
  try {
    reports = await deps.notifier.notify(request, reason);
  } catch (error) {
    reports = [{ channel: 'notifier', ok: false, error: (error as Error)?.message ?? String(error) }];
  }
  for (const report of reports) {
    try {
      await deps.store.appendEvent(request.id, {
        at: deps.clock.now().toISOString(),
        type: report.ok ? 'notified' : 'notify_failed',
        actor: `channel:${report.channel}`,
        detail: { reason, ...(report.recipients ? { recipients: report.recipients } : {}), ...(report.error ? { error: report.error } : {}) },
      });
    } catch {
      // The history note is best effort; the request itself is stored and answerable.
    }
  }
}
