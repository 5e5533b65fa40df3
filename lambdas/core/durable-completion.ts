import { decisionView } from './decision-view.ts';
import type { ApprovalRequest, Outcome } from './request.ts';

/** The error a durable function catches when its request was not approved (`errorType` names why). */
export interface DurableCallbackError {
  readonly errorType: string;
  readonly errorMessage: string;
  /** JSON with the request id, status and decision, as the webhook body carries them. */
  readonly errorData: string;
}

/** How a decided request completes its durable callback: success with the decision, or a failure the function can catch. */
export type DurableCompletion = { readonly kind: 'success'; readonly result: string } | { readonly kind: 'failure'; readonly error: DurableCallbackError };

/** The `errorType` of each outcome that fails the callback; the function's catch tells them apart by it. */
export const DURABLE_ERROR_TYPES: Readonly<Record<Exclude<Outcome, 'approved'>, string>> = {
  rejected: 'ApprovalRejected',
  timed_out: 'ApprovalTimedOut',
  cancelled: 'ApprovalCancelled',
};

const FALLBACK_MESSAGES: Readonly<Record<Exclude<Outcome, 'approved'>, string>> = {
  rejected: 'The request was rejected.',
  timed_out: 'No one decided in time.',
  cancelled: 'The request was cancelled.',
};

/**
 * What the waiting function gets: an approval resumes it with `{id, status, decision}` (the same JSON
 * as the webhook body, so edited arguments ride along); a rejection, a timeout or a cancellation fails
 * the callback with the reason as the message, so the function's `waitForCallback` throws.
 */
export function durableCompletionOf(request: ApprovalRequest): DurableCompletion {
  const outcome = request.decision?.outcome;
  if (!outcome) throw new Error(`request ${request.id} has no decision to deliver`);
  const payload = JSON.stringify({ id: request.id, ...(request.gateId ? { gateId: request.gateId } : {}), ...decisionView(request) });
  if (outcome === 'approved') return { kind: 'success', result: payload };
  return {
    kind: 'failure',
    error: { errorType: DURABLE_ERROR_TYPES[outcome], errorMessage: request.decision?.reason ?? FALLBACK_MESSAGES[outcome], errorData: payload },
  };
}
