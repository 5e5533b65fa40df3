import { ConcurrentUpdateError } from '#core/errors';
import { SYSTEM_TIMEOUT } from '#core/identity';
import { expire } from '#core/lifecycle';
import type { ApprovalStore, AuditLog, Clock, DecisionStats, Notifier, WebhookDelivery, Workflows } from '#ports';
import { DELIVERY_LEASE_MS, deliverDecision, type DeliveryResult } from './deliver-decision.ts';
import { notifyApprovers } from './notify-approvers.ts';
import { recordStats } from './record-stats.ts';

export interface SweepDeps {
  readonly store: ApprovalStore;
  readonly audit: AuditLog;
  readonly workflows: Workflows;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly stats?: DecisionStats;
  readonly webhooks?: WebhookDelivery;
}

export interface SweepOptions {
  readonly batchSize?: number;
  /** Upper bound on batches per run, so one run ends even with a huge backlog; the next run goes on. */
  readonly maxBatches?: number;
  /** Wall time after which no new delivery starts in this run. @default 30 s (the sweeper function has 50) */
  readonly deliveryBudgetMs?: number;
}

export interface SweepReport {
  timedOut: number;
  escalated: number;
  delivered: number;
  workflowGone: number;
  skipped: number;
  failed: number;
}

/**
 * The timeout sweeper: reads only expired pending requests (the due index) and undelivered decisions
 * (the undelivered index), so its cost grows with what is due, not with the table. Each request is
 * one conditional write: a crash half way leaves the rest due, and the next run finishes the job.
 */
export async function sweepExpired(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepReport> {
  const batchSize = options.batchSize ?? 100;
  const maxBatches = options.maxBatches ?? 50;
  const deliveryBudgetMs = options.deliveryBudgetMs ?? 30_000;
  const startedAt = Date.now();
  const report: SweepReport = { timedOut: 0, escalated: 0, delivered: 0, workflowGone: 0, skipped: 0, failed: 0 };

  for (let batch = 0; batch < maxBatches; batch++) {
    const now = deps.clock.now();
    const due = await deps.store.listDue(now, batchSize);
    for (const request of due) {
      try {
        const next = expire(request, now);
        const { taskToken } = await deps.store.transition(request, next, new Date(now.getTime() + DELIVERY_LEASE_MS));
        const decided = next.status !== 'pending';
        await deps.audit.append({
          executionId: next.executionId,
          workflowId: next.workflowId,
          nodeId: next.nodeId,
          requestId: next.id,
          kind: decided ? 'timeout' : 'escalation',
          actor: SYSTEM_TIMEOUT,
          detail: decided ? { dueAt: request.dueAt, level: request.level } : { level: next.level, dueAt: next.dueAt },
        });
        await recordStats(deps, next, decided ? 'timed_out' : 'escalated');
        if (decided) {
          report.timedOut++;
          countDelivery(report, (await deliverDecision(deps, next, taskToken)).result);
        } else {
          report.escalated++;
          await notifyApprovers(deps, next, 'escalated');
        }
      } catch (error) {
        // Decided or escalated by someone else between the read and the write: nothing left to do.
        if (error instanceof ConcurrentUpdateError) report.skipped++;
        else report.failed++;
      }
    }
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
          countDelivery(report, (await deliverDecision(deps, request)).result);
        } catch {
          report.failed++;
        }
      }),
    );
  }
  return report;
}

/** Deliveries attempted side by side. */
const DELIVERY_CONCURRENCY = 10;

function countDelivery(report: SweepReport, result: DeliveryResult): void {
  if (result === 'delivered') report.delivered++;
  else if (result === 'workflow_gone') report.workflowGone++;
}
