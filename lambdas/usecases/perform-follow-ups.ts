import { sampleOf } from '#core/decision-stats';
import type { FollowUp, OwedFollowUp } from '#core/follow-up';
import type { ApprovalRequest, HistoryEvent } from '#core/request';
import type { ApprovalStore, AuditLog, Clock, DecisionStats, FollowUpClaim, Notifier } from '#ports';
import { recordNotes, tellApprovers } from './notify-approvers.ts';

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
  /**
   * The request as the caller's write left it, for follow-ups that read it: saves a read. A count
   * needs the request as decided; a notification owed by the write that created the request goes out
   * without looking again (a decision that lands in between costs at most a notice whose links answer
   * that it is decided).
   */
  readonly state?: ApprovalRequest;
  /**
   * Leave the done ones on the item for the caller to mark, in a write it makes anyway (the decision's
   * delivered mark, see ApprovalStore.markDelivery). The caller must mark them, or they are done again
   * after the lease.
   */
  readonly callerMarksDone?: boolean;
}

export interface FollowUpReport {
  readonly done: string[];
  /** The history notes the done follow-ups leave (who was notified), recorded with their completion. */
  readonly events: HistoryEvent[];
  /** Owed still: held by another doer, or failed here (the sweeper tries again after the lease). */
  readonly left: { readonly id: string; readonly reason: string }[];
}

/**
 * Does what a request's state changes still owe: audit entries, notifications, counts. The
 * follow-ups are taken with a lease on the request item, done, then marked done (one write each way
 * when nobody else holds any; the write that marks them done also records who was notified); they do
 * not depend on each other, so they run side by side. Called right after the write that owes them, by
 * a retried gate, and by the sweeper for requests that owe some past a grace period.
 *
 * What a crash leaves: an audit entry is written at most once (a sealed one is stored at its fixed
 * place; for an unsealed one, a repair that takes over from another doer looks for its event id among
 * the entries written since it became owed); a count or a notification done but not yet marked is done
 * again after the lease, so an approver may get a second notice (noted once in the history, by the
 * completion that follows it) and an escalation may be counted twice in the statistics. A missed
 * notice or a missed entry is worse than a repeated notice. (Decisions owe no count: the rollup
 * counts them from the decided timeline, exactly once.)
 */
export async function performFollowUps(deps: FollowUpDeps, requestId: string, options: PerformOptions = {}): Promise<FollowUpReport> {
  const list = options.held ?? (await deps.store.owedFollowUps(requestId));
  const report: FollowUpReport = { done: [], events: [], left: [] };
  if (list.length === 0) {
    // A crash between the last completion and leaving the OWED partition leaves the request there.
    if (!options.held) await deps.store.clearOwedMark(requestId);
    return report;
  }
  let request: Promise<ApprovalRequest | undefined> | undefined;
  const asWritten = () => (options.state ? Promise.resolve(options.state) : (request ??= deps.store.get(requestId)));
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
        report.events.push(...(await perform(deps, item, claim, asWritten)));
        report.done.push(item.id);
      } catch (error) {
        report.left.push({ id: item.id, reason: (error as Error)?.message ?? String(error) });
        // Still owed; the sweeper takes it on its next run instead of after the lease.
        await deps.store.releaseFollowUp(requestId, item.id).catch(() => undefined);
      }
    }),
  );
  if (!options.callerMarksDone) await deps.store.completeFollowUps(requestId, report.done, report.events);
  else await recordNotes(deps.store, requestId, report.events);
  return report;
}

async function perform(
  deps: FollowUpDeps,
  item: OwedFollowUp,
  claim: FollowUpClaim,
  asWritten: () => Promise<ApprovalRequest | undefined>,
): Promise<HistoryEvent[]> {
  switch (item.kind) {
    case 'audit':
      // Sealed by the write that owes it: stored as it is, at its place (a repeat finds it there).
      if (item.entry) {
        await deps.audit.appendSealed(item.entry);
        return [];
      }
      // Taken over from a doer that may have written it: look for its entry before writing one.
      await deps.audit.append(item.record, claim.takenOver ? { landedSince: item.owedAt } : {});
      return [];
    case 'notify': {
      const request = await asWritten();
      // Decided, or escalated past this level, before the notice went out: nobody is left to tell.
      if (!request || request.status !== 'pending' || request.level !== item.level) return [];
      if (!deps.notifier) throw new Error('no notifier here; the sweeper sends it');
      return tellApprovers({ ...deps, notifier: deps.notifier }, request, item.reason);
    }
    case 'stats': {
      const request = await asWritten();
      if (!request || !deps.stats) return [];
      if (item.outcome !== 'escalated' && !(await passedByRollup(deps.stats, request.decision?.decidedAt ?? item.at))) return [];
      await deps.stats.record(sampleOf(request, item.outcome, new Date(item.at)));
      return [];
    }
  }
}

/**
 * Whether a decision's count, owed by an older version that counted each decision on its own, is
 * still this follow-up's to make: the rollup counts every decision from its watermark on, so a
 * decision after it is marked done without counting, and one before it is counted here. Before the
 * rollup's first run sets the watermark, the count stays owed for a later repair.
 */
async function passedByRollup(stats: DecisionStats, decidedAt: string): Promise<boolean> {
  const watermark = await stats.rolledUpTo();
  if (watermark === undefined) throw new Error('the rollup of decisions has not started; counted after its first run');
  return decidedAt < watermark;
}
