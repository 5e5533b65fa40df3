/** How hard to try a flaky send before giving up and reporting it. */
export interface RetryOptions {
  /** Attempts in total, the first included. @default 3 */
  readonly attempts?: number;
  /** Wait before the second attempt; doubles after each failure. @default 200 */
  readonly baseDelayMs?: number;
  /** Cap on any one wait. @default 1000 */
  readonly maxDelayMs?: number;
  /** Replaceable in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Retry only errors this accepts; others are thrown at once. @default - every error */
  readonly retryIf?: (error: unknown) => boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds or the attempts run out, waiting with exponential backoff between
 * tries. Bounded on purpose (3 tries ≈ 0.6 s by default): notifications run inside the gate, which
 * must not be held up, and a send that still fails is recorded in the request's history instead.
 */
export async function withRetry<T>(attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const sleep = options.sleep ?? defaultSleep;
  let delay = options.baseDelayMs ?? 200;
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= attempts || (options.retryIf && !options.retryIf(error))) throw error;
      await sleep(Math.min(delay, options.maxDelayMs ?? 1_000));
      delay *= 2;
    }
  }
}

/** The message of anything thrown, for reports and history entries. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
