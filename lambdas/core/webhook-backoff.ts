/**
 * Seconds before each retry of a webhook delivery: quick retries first (a receiver that restarts),
 * then growing waits. Together they span more than 24 hours; after the last one the delivery gives up.
 */
export const WEBHOOK_RETRY_DELAYS_SECONDS: readonly number[] = [1, 5, 30, 120, 600, 1800, 3600, 7200, 14_400, 28_800, 43_200];

/** Total attempts: the first one and every retry. */
export const MAX_WEBHOOK_ATTEMPTS = WEBHOOK_RETRY_DELAYS_SECONDS.length + 1;

/** How long to wait after failed attempt number `attempt` (1-based); undefined when it was the last. */
export function retryDelaySeconds(attempt: number): number | undefined {
  return WEBHOOK_RETRY_DELAYS_SECONDS[attempt - 1];
}
