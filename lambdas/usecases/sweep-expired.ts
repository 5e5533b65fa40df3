import { auditEventId } from '#core/audit-events';
import { ConcurrentUpdateError } from '#core/errors';
import { followUp, type FollowUp } from '#core/follow-up';
import { SYSTEM_TIMEOUT } from '#core/identity';
import { expire } from '#core/lifecycle';
import type { ApprovalRequest } from '#core/request';
import type { ApprovalStore, AuditLog, Clock, DecisionMetrics, DecisionRollup, DecisionStats, DurableCallbacks, Notifier, OwedCursor, WebhookDelivery, Workflows } from '#ports';
import { forEachConcurrently } from './bounded-concurrency.ts';
import { DELIVERY_LEASE_MS, deliverDecision, type DeliveryResult } from './deliver-decision.ts';
import { deliverWithFollowUps } from './deliver-with-follow-ups.ts';
import { owe, performFollowUps } from './perform-follow-ups.ts';
import { rollUpDecisions } from './roll-up-decisions.ts';
import { sealAuditFollowUps } from './seal-audit.ts';

export interface SweepDeps {
  readonly store: ApprovalStore;
  readonly audit: AuditLog;
  readonly workflows: Workflows;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly stats?: DecisionStats;
  /** Counts decisions from the decided timeline into the statistics; without it none are counted. */
  readonly rollup?: DecisionRollup;
  /** Where each decision the rollup counts is published as well (CloudWatch metrics on AWS). */
  readonly decisionMetrics?: DecisionMetrics;
  readonly webhooks?: WebhookDelivery;
  readonly durableCallbacks?: DurableCallbacks;
}

export interface SweepOptions {
  readonly batchSize?: number;
  /** Upper bound on batches per run, so one run ends even with a huge backlog; the next run goes on. @default 200 */
  readonly maxBatches?: number;
  /**
   * Expiries under way at once. Each is still one conditional write and its own delivery; running
   * several overlaps their round trips. @default DEFAULT_SWEEP_CONCURRENCY
   */
  readonly concurrency?: number;
  /** Wall time after which no new expiry starts in this run; the rest stay due for the next. @default 35 s */
  readonly expiryBudgetMs?: number;
  /**
   * Follow-ups owed for longer than this are repaired by the sweeper; younger ones are most likely
   * being done by the write's own caller right now. @default 30 s
   */
  readonly followUpGraceMs?: number;
  /** Wall time after which no new delivery starts in this run. @default 40 s (the sweeper function has 50) */
  readonly deliveryBudgetMs?: number;
  /** Wall time after which the rollup of decisions starts no new window. @default 45 s */
  readonly rollupBudgetMs?: number;
}

export interface SweepReport {
  timedOut: number;
  escalated: number;
  delivered: number;
  workflowGone: number;
  skipped: number;
  failed: number;
  /** Follow-ups (audit entries, notifications, counts) finished for writers that did not. */
  repaired: number;
  /** Decisions counted into the statistics by this run's rollup. */
  rolledUp: number;
}

/** Expiries under way at once, by default: see the README's sweeper arithmetic. */
export const DEFAULT_SWEEP_CONCURRENCY = 16;

/**
 * The timeout sweeper: reads only expired pending requests (the due index, its shards side by side)
 * and undelivered decisions (the undelivered index), so its cost grows with what is due, not with
 * the table. Each request is one conditional write, and its follow-ups and delivery are owed by that
 * write: a crash half way, however many expiries were under way, leaves the rest due, and the next
 * run finishes the job.
 */
export async function sweepExpired(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepReport> {
  const batchSize = options.batchSize ?? 100;
  const maxBatches = options.maxBatches ?? 200;
  const concurrency = options.concurrency ?? DEFAULT_SWEEP_CONCURRENCY;
  const expiryBudgetMs = options.expiryBudgetMs ?? 35_000;
  const deliveryBudgetMs = options.deliveryBudgetMs ?? 40_000;
  const startedAt = Date.now();
  const report: SweepReport = { timedOut: 0, escalated: 0, delivered: 0, workflowGone: 0, skipped: 0, failed: 0, repaired: 0, rolledUp: 0 };

  for (let batch = 0; batch < maxBatches && Date.now() - startedAt < expiryBudgetMs; batch++) {
    const now = deps.clock.now();
    const due = await deps.store.listDue(now, batchSize);
    await forEachConcurrently(due, concurrency, async (request) => {
      if (Date.now() - startedAt >= expiryBudgetMs) return;
      try {
        const next = expire(request, now);
        const owed = await sealAuditFollowUps(deps.audit, request, owe(followUpsOfExpiry(request, next, now), now.toISOString()));
        const { taskToken } = await deps.store.transition(request, next, new Date(now.getTime() + DELIVERY_LEASE_MS), owed);
        if (next.status !== 'pending') {
          report.timedOut++;
          // After the timeout write, one write settles the request: the delivery with its follow-ups
          // done. Nothing here reads the request it leaves, so that write returns nothing.
          const delivered = await deliverWithFollowUps(deps, next, taskToken, owed, { returnRecorded: false });
          countDelivery(report, delivered.result);
        } else {
          report.escalated++;
          await performFollowUps(deps, next.id, { held: owed, state: next });
        }
      } catch (error) {
        // Decided or escalated by someone else between the read and the write: nothing left to do.
        if (error instanceof ConcurrentUpdateError) report.skipped++;
        else report.failed++;
      }
    });
    if (due.length < batchSize) break;
  }

  const now = deps.clock.now();
  // Only deliveries that are due: a webhook waiting for its next retry stays out of the page.
  const undelivered = await deps.store.listUndelivered(batchSize, now);
  // A webhook attempt may take seconds, so several run at once, and none starts once the run's
  // budget is spent (the function's own timeout is near): the rest wait, unleased, for the next run.
  for (let start = 0; start < undelivered.length && Date.now() - startedAt < deliveryBudgetMs; start += DELIVERY_CONCURRENCY) {
    await Promise.all(
      undelivered.slice(start, start + DELIVERY_CONCURRENCY).map(async (request) => {
        try {
          if (!(await deps.store.acquireDeliveryLease(request.id, now, new Date(now.getTime() + DELIVERY_LEASE_MS)))) return;
          countDelivery(report, (await deliverDecision(deps, request, undefined, { returnRecorded: false })).result);
        } catch {
          report.failed++;
        }
      }),
    );
  }

  // Before the repairs: a count owed by an older version asks how far the rollup has got.
  if (deps.rollup) {
    try {
      report.rolledUp = (await rollUpDecisions({ ...deps, rollup: deps.rollup }, { deadline: startedAt + (options.rollupBudgetMs ?? 45_000) })).decisions;
    } catch {
      // Nothing counted is lost: the watermark stays before the windows not counted, for the next run.
      report.failed++;
    }
  }

  // Writers that crashed, or whose audit chain stayed contended, left follow-ups owed: finish them.
  // Page on past those still held or failing, so they cannot hide the ones behind them.
  const owedBefore = new Date(now.getTime() - (options.followUpGraceMs ?? 30_000));
  let after: OwedCursor | undefined;
  for (let batch = 0; batch < maxBatches; batch++) {
    const page = await deps.store.listOwed(owedBefore, batchSize, after);
    for (const id of page.ids) {
      try {
        report.repaired += (await performFollowUps(deps, id)).done.length;
      } catch {
        report.failed++;
      }
    }
    if (!page.next) break;
    after = page.next;
  }
  return report;
}

/**
 * What a missed deadline owes besides its write: the audit entry, and for an escalation its count
 * and the new level's notice (a timeout is a decision: the rollup counts it from the timeline).
 */
function followUpsOfExpiry(request: ApprovalRequest, next: ApprovalRequest, now: Date): FollowUp[] {
  const decided = next.status !== 'pending';
  const audit = followUp.audit({
    executionId: next.executionId,
    workflowId: next.workflowId,
    nodeId: next.nodeId,
    requestId: next.id,
    kind: decided ? 'timeout' : 'escalation',
    actor: SYSTEM_TIMEOUT,
    detail: decided ? { dueAt: request.dueAt, level: request.level } : { level: next.level, dueAt: next.dueAt },
    eventId: decided ? auditEventId.decision(next.id) : auditEventId.escalation(next.id, next.level),
  });
  return decided
    ? [audit]
    : [audit, followUp.stats('escalated', now.toISOString(), next.level), followUp.notify('escalated', next.level)];
}

/** Deliveries attempted side by side. */
const DELIVERY_CONCURRENCY = 10;

function countDelivery(report: SweepReport, result: DeliveryResult): void {
  if (result === 'delivered') report.delivered++;
  else if (result === 'workflow_gone') report.workflowGone++;
}
