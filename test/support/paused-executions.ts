import type { HitlConfigInput } from '#core/hitl-config';
import type { ApprovalRequest } from '#core/request';
import { requestIdFor } from '#core/request-id';
import type { LocalApp } from '#local/app';
import { approvalGateInput } from './fixtures.ts';

export interface PausedExecution {
  readonly executionArn: string;
  readonly requestId: string;
  readonly taskToken: string;
  readonly request: ApprovalRequest;
}

let batch = 0;

/**
 * Starts `count` real executions of the approval-gate state machine on the local engine and waits
 * until every gate has stored its request and recorded its notification. Requests are by `alice`
 * and answerable by the `approvers` group.
 */
export async function startPausedExecutions(
  app: LocalApp,
  count: number,
  options: {
    hitl?: Partial<HitlConfigInput>;
    gateTimeoutSeconds?: number;
    workflowId?: string;
    timeoutMs?: number;
    /** `stored`: do not wait for the notification to be recorded (a channel that never answers). */
    until?: 'notified' | 'stored';
    /** The tool the paused call is for; `send_email` (a demo tool with an argument schema) by default. */
    toolName?: string;
  } = {},
): Promise<PausedExecution[]> {
  batch++;
  const workflowId = options.workflowId ?? `paused-${batch}-${Date.now()}`;
  const started: { executionArn: string; requestId: string }[] = [];
  for (let i = 0; i < count; i++) {
    const { executionArn } = await app.engine.startExecution(
      app.stateMachines.approvalGate,
      approvalGateInput({
        workflowId,
        hitl: options.hitl,
        toolName: options.toolName,
        args: { to: `customer-${i}@example.com`, subject: 'Refunds' },
        conversation: [{ role: 'user', content: 'Email me your refund policy' }],
        facts: { i },
        gateTimeoutSeconds: options.gateTimeoutSeconds,
      }),
    );
    started.push({ executionArn, requestId: requestIdFor(executionArn, 'agent', 'call-1') });
  }
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  const paused: PausedExecution[] = [];
  for (const { executionArn, requestId } of started) {
    for (;;) {
      const request = await app.deps.store.get(requestId);
      const taskToken = request && (await app.deps.store.getTaskToken(requestId));
      const notified = request?.events.some((e) => e.type === 'notified' || e.type === 'notify_failed');
      if (request && taskToken && (notified || options.until === 'stored')) {
        paused.push({ executionArn, requestId, taskToken, request });
        break;
      }
      if (Date.now() > deadline) throw new Error(`the gate of ${executionArn} did not pause in time`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  return paused;
}

/** Runs `task` over `count` items with at most `concurrency` in flight; results in order (the bench's pool). */
export { pool as inPool } from '../../bench/lib/stats.ts';
