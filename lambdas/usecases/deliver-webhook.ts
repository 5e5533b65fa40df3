import { retryDelaySeconds } from '#core/webhook-backoff';
import { decisionView } from '#core/decision-view';
import type { ApprovalRequest } from '#core/request';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from '#core/webhook-signature';
import type { ApprovalStore, Clock, WebhookDelivery, WebhookResponse } from '#ports';

/** How long one attempt waits for the receiver; well inside the 30-second delivery lease. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

export interface WebhookDeps {
  readonly store: ApprovalStore;
  readonly clock: Clock;
  /** Absent where no webhook may be called (then every attempt fails and is retried). */
  readonly webhooks?: WebhookDelivery;
}

export type WebhookResult = { readonly result: 'delivered' | 'gave_up' | 'pending'; readonly recorded?: ApprovalRequest };

/** The JSON a receiver gets: the request id (also its key to drop a repeated delivery), its status and decision. */
export function webhookPayload(request: ApprovalRequest): Record<string, unknown> {
  return {
    id: request.id,
    ...(request.gateId ? { gateId: request.gateId } : {}),
    ...decisionView(request),
    decidedAt: request.decision?.decidedAt,
  };
}

/**
 * One attempt to POST the decision to the request's webhook, signed over timestamp and body. The
 * caller holds the delivery lease. A 2xx ends the delivery. Anything else (an error status, no answer
 * in time) is recorded in the request's history and leaves the decision for the sweeper after the
 * next backoff delay; after the last one the delivery gives up, and the request says so. A process
 * that dies after the receiver's 2xx but before it is recorded delivers again after the lease: the
 * receiver sees the same `id` twice and drops the repeat.
 */
export async function deliverWebhook(deps: WebhookDeps, request: ApprovalRequest, url: string): Promise<WebhookResult> {
  const attempt = (request.deliveryAttempts ?? 0) + 1;
  const response = await attemptPost(deps, request, url, attempt);
  const now = deps.clock.now();
  if (response.status >= 200 && response.status < 300) {
    const recorded = await deps.store.markDelivery(request.id, 'delivered', now, { attempt, status: response.status });
    return { result: 'delivered', ...(recorded ? { recorded } : {}) };
  }
  const failure = { attempt, status: response.status, ...(response.error ? { error: response.error.slice(0, 200) } : {}) };
  const delay = retryDelaySeconds(attempt);
  if (delay === undefined) {
    const recorded = await deps.store.markDelivery(request.id, 'gave_up', now, failure);
    return { result: 'gave_up', ...(recorded ? { recorded } : {}) };
  }
  const nextAttemptAt = new Date(now.getTime() + delay * 1000);
  await deps.store.scheduleRetry(request.id, attempt, nextAttemptAt, {
    at: now.toISOString(),
    type: 'delivery_failed',
    actor: 'system:delivery',
    detail: { ...failure, nextAttemptAt: nextAttemptAt.toISOString() },
  });
  return { result: 'pending' };
}

async function attemptPost(deps: WebhookDeps, request: ApprovalRequest, url: string, attempt: number): Promise<WebhookResponse> {
  if (!deps.webhooks) return { status: 0, error: 'webhook delivery is not configured here' };
  try {
    const body = JSON.stringify(webhookPayload(request));
    const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
    const signature = signWebhook(await deps.webhooks.signingSecret(), timestamp, body);
    return await deps.webhooks.sender.post(
      url,
      body,
      { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signature, 'x-hitl-attempt': String(attempt) },
      WEBHOOK_TIMEOUT_MS,
    );
  } catch (error) {
    return { status: 0, error: (error as Error)?.message ?? String(error) };
  }
}
