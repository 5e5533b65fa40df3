/**
 * Spaces out sends so that one process never goes above the account's sending rate: SES allows
 * `MaxSendRate` messages a second (1 in the sandbox, 14 on a new production account) and throttles
 * anything faster. The rate is read once, lazily (SES GetSendQuota, or configuration).
 */
export class SendPacer {
  private nextSlot = 0;
  private rate?: Promise<number>;

  constructor(
    private readonly maxSendRate: () => Promise<number>,
    private readonly time: { now(): number; sleep(ms: number): Promise<void> } = {
      now: () => Date.now(),
      sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    },
  ) {}

  /** Resolves when the next send may start; concurrent callers are given successive slots. */
  async take(): Promise<void> {
    this.rate ??= this.maxSendRate().then((rate) => (Number.isFinite(rate) && rate > 0 ? rate : 1), () => 1);
    const interval = 1_000 / (await this.rate);
    const now = this.time.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + interval;
    if (slot > now) await this.time.sleep(slot - now);
  }
}

/** The names SES (and the SDK) give a throttled send: retried with a longer backoff than other faults. */
const THROTTLE_NAMES = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException']);

/** Whether `error` is SES saying "too fast" (a rate or daily quota, not a bad message). */
export function isThrottle(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  return (name !== undefined && THROTTLE_NAMES.has(name)) || /maximum sending rate exceeded/i.test(message ?? '');
}
