import { sampleOf } from '#core/decision-stats';
import type { FollowUp, OwedFollowUp } from '#core/follow-up';
import type { ApprovalRequest } from '#core/request';
import type { ApprovalStore, AuditLog, Clock, DecisionStats, FollowUpClaim, Notifier } from '#ports';
import { notifyApprovers } from './notify-approvers.ts';

export interface FollowUpDeps {
  readonly store: ApprovalStore;
  readonly audit: AuditLog;
  /** Without one (a function that only records), a notification stays owed for the sweeper. */
  readonly notifier?: Notifier;
  readonly clock: Clock;
  readonly stats?: DecisionStats;
}

/**
 * How long a doer holds a follow-up. Longer than any function's timeout, so a follow-up is taken over
 * only from a doer that is gone, not from a slow one.
 */
export const FOLLOW_UP_LEASE_MS = 120_000;

/**
 * The follow-ups a state change owes, as its write records them: owed since `at`, and held by the
 * writer for a lease, so nobody else does them while the writer is at it (the intent is marked before
 * any effect).
 */
export function owe(followUps: readonly FollowUp[], at: string): OwedFollowUp[] {
  const leaseUntil = new Date(Date.parse(at) + FOLLOW_UP_LEASE_MS).toISOString();
  return followUps.map((f) => ({ ...f, owedAt: at, leaseUntil }));
}

export interface PerformOptions {
  /** Follow-ups the caller holds already: it just wrote them, leased to itself (see `owe`). */
  readonly held?: readonly OwedFollowUp[];
  /**
   * Take them even while another doer's lease runs: a retried gate, whose first attempt is over
   * (it failed, timed out or its process died), finishes its work now rather than after the lease.
   */
  readonly takeOver?: boolean;
  /** The held follow-ups are all the request owes (a request just created): done, it leaves the owed list in the same write. */
  readonly heldAreAll?: boolean;
}

export interface FollowUpReport {
  readonly done: string[];
  /** Owed still: held by another doer, or failed here (the sweeper tries again after the lease). */
  readonly left: { readonly id: string; readonly reason: string }[];
}

/**
 * Does what a request's state changes still owe: audit entries, notifications, counts. The
 * follow-ups are taken with a lease on the request item, done, then marked done (one write each way
 * when nobody else holds any); they do not depend on each other, so they run side by side. Called
 * right after the write that owes them, by a retried gate, and by the sweeper for requests that owe
 * some past a grace period.
 *
 * What a crash leaves: an audit entry is written at most once (a repair that takes over from another
 * doer looks for its event id among the entries written since it became owed); a count or a
 * notification done but not yet marked is done again after the lease, so an approver may get a
 * second notice and a decision may be counted twice in the statistics. A missed notice or a missed entry is worse than a repeated
 * notice; the statistics are approximate by design.
 */
export async function performFollowUps(deps: FollowUpDeps, requestId: string, options: PerformOptions = {}): Promise<FollowUpReport> {
  const list = options.held ?? (await deps.store.owedFollowUps(requestId));
  const report: FollowUpReport = { done: [], left: [] };
  if (list.length === 0) {
    // A crash between the last completion and leaving the OWED partition leaves the request there.
    if (!options.held) await deps.store.clearOwedMark(requestId);
    return report;
  }
  let request: Promise<ApprovalRequest | undefined> | undefined;
  const current = () => (request ??= deps.store.get(requestId));
  const now = deps.clock.now();
  const claims = new Map(
    (options.held
      ? options.held.map((f) => ({ id: f.id, takenOver: false }))
      : await deps.store.claimFollowUps(requestId, list.map((f) => f.id), now, new Date(now.getTime() + FOLLOW_UP_LEASE_MS), options.takeOver)
    ).map((c) => [c.id, c]),
  );
  for (const item of list) if (!claims.has(item.id)) report.left.push({ id: item.id, reason: 'taken or done by another' });
  await Promise.all(
    list.map(async (item) => {
      const claim = claims.get(item.id);
      if (!claim) return;
      try {
        await perform(deps, item, claim, current);
        report.done.push(item.id);
      } catch (error) {
        report.left.push({ id: item.id, reason: (error as Error)?.message ?? String(error) });
        // Still owed; the sweeper takes it on its next run instead of after the lease.
        await deps.store.releaseFollowUp(requestId, item.id).catch(() => undefined);
      }
    }),
  );
  await deps.store.completeFollowUps(requestId, report.done, { all: options.heldAreAll === true && report.done.length === list.length });
  return report;
}

async function perform(deps: FollowUpDeps, item: OwedFollowUp, claim: FollowUpClaim, current: () => Promise<ApprovalRequest | undefined>): Promise<void> {
  switch (item.kind) {
    case 'audit':
      // Taken over from a doer that may have written it: look for its entry before writing one.
      await deps.audit.append(item.record, claim.takenOver ? { landedSince: item.owedAt } : {});
      return;
    case 'notify': {
      const request = await current();
      // Decided, or escalated past this level, before the notice went out: nobody is left to tell.
      if (!request || request.status !== 'pending' || request.level !== item.level) return;
      if (!deps.notifier) throw new Error('no notifier here; the sweeper sends it');
      await notifyApprovers({ ...deps, notifier: deps.notifier }, request, item.reason);
      return;
    }
    case 'stats': {
      const request = await current();
      if (!request || !deps.stats) return;
      await deps.stats.record(sampleOf(request, item.outcome, new Date(item.at)));
      return;
    }
  }
}
