import type { HitlClient } from './client.ts';
import type { components } from './schema.d.ts';

type AgentRequestBody = components['schemas']['AgentRequestBody'];
type ErrorBody = components['schemas']['ErrorBody'];

/** The longest long poll the API holds (GET /approvals/{id}/decision?waitSeconds). */
const MAX_WAIT_SECONDS = 25;

export interface RequestApprovalOptions {
  /** One request per key: a retry with the same key and body returns the same request. */
  readonly idempotencyKey: string;
  readonly context?: AgentRequestBody['context'];
  /** On whose behalf the agent asks; the calling agent when left out. */
  readonly requestedBy?: string;
  /** Long-poll for the decision until it comes or `timeoutSeconds` pass. */
  readonly wait?: { readonly timeoutSeconds: number };
  /** Have the decision POSTed (signed) to this URL instead; check it with `verifyWebhook`. */
  readonly webhook?: { readonly url: string };
  /**
   * From a Lambda durable function: the decision completes this callback (the id `waitForCallback`
   * hands its submitter). The service keeps the id to itself, like a task token.
   */
  readonly durable?: { readonly callbackId: string };
}

export interface Decision {
  readonly outcome: string;
  readonly approver: string;
  readonly reason?: string;
  readonly editedArgs?: Record<string, unknown>;
}

/** What `requestApproval` resolves with. */
export type ApprovalResult =
  /** A person (or the timeout) decided: `status` is approved, rejected or timed_out. */
  | { readonly status: string; readonly requestId: string; readonly decision: Decision }
  /** The gate's policy answered at once; no person was asked. */
  | { readonly status: 'allowed' | 'denied'; readonly reason: string; readonly policyId: string }
  /** Not decided yet: with a webhook or a durable callback the decision comes there; with `wait`, its time ran out. */
  | { readonly status: 'pending'; readonly requestId: string };

/** A call the API refused: its status and problem body (`error.code` says why). */
export class HitlApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | undefined,
  ) {
    super(`hitl-approvals answered ${status}${body?.error ? `: ${body.error.code}: ${body.error.message}` : ''}`);
    this.name = 'HitlApiError';
  }
}

/**
 * Asks a named gate for a decision on `action`. With `wait` it long-polls until the request is
 * decided or the wait's time is up (then it resolves `pending`); with `webhook` it resolves
 * `pending` at once and the decision is POSTed to the URL; with `durable` it resolves `pending` and
 * the decision completes the durable function's callback. A policy that answers at once resolves
 * `allowed` or `denied`. Retrying with the same `idempotencyKey` never makes a second request.
 */
export async function requestApproval(
  client: HitlClient,
  gateId: string,
  action: AgentRequestBody['action'],
  options: RequestApprovalOptions,
): Promise<ApprovalResult> {
  const deliveries = [options.wait && 'wait', options.webhook && 'webhook', options.durable && 'durable'].filter(Boolean);
  if (deliveries.length > 1) throw new TypeError(`requestApproval takes one of wait, webhook or durable, not ${deliveries.join(' and ')}`);
  const body: AgentRequestBody = {
    action,
    ...(options.context ? { context: options.context } : {}),
    ...(options.requestedBy ? { requestedBy: options.requestedBy } : {}),
    ...(options.webhook ? { callback: { type: 'webhook', url: options.webhook.url } } : {}),
    ...(options.durable ? { callback: { type: 'durable', callbackId: options.durable.callbackId } } : {}),
  };
  const created = await client.POST('/gates/{gateId}/requests', {
    params: { path: { gateId }, header: { 'Idempotency-Key': options.idempotencyKey } },
    body,
  });
  if (!created.data) throw new HitlApiError(created.response.status, created.error as ErrorBody | undefined);
  const answer = created.data;
  if (answer.status === 'allowed' || answer.status === 'denied') {
    const { reason, policyId } = answer as { reason: string; policyId: string };
    return { status: answer.status, reason, policyId };
  }
  const requestId = (answer as { id: string }).id;
  if (!options.wait) return { status: 'pending', requestId };
  return waitForDecision(client, requestId, options.wait.timeoutSeconds);
}

/** Long-polls the decision until it is taken or `timeoutSeconds` pass. */
export async function waitForDecision(client: HitlClient, requestId: string, timeoutSeconds: number): Promise<ApprovalResult> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const left = Math.floor((deadline - Date.now()) / 1000);
    const waitSeconds = Math.max(0, Math.min(MAX_WAIT_SECONDS, left));
    const started = Date.now();
    const polled = await client.GET('/approvals/{id}/decision', { params: { path: { id: requestId }, query: { waitSeconds } } });
    if (!polled.data) throw new HitlApiError(polled.response.status, polled.error as ErrorBody | undefined);
    const { status, decision } = polled.data;
    if (status !== 'pending' && decision) return { status, requestId, decision };
    if (left <= 0) return { status: 'pending', requestId };
    // A proxy that cuts long polls short must not turn this loop into a busy one.
    if (Date.now() - started < 1000) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
