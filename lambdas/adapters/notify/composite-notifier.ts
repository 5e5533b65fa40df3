import type { ApprovalRequest } from '#core/request';
import type { Notifier, NotifyReason, NotifyReport } from '#ports';

/**
 * How long one channel may take before it is reported as failed. Below the gate functions' 15 s
 * Lambda timeout, with room for the gate's own writes: a channel that never answers must not make
 * the gate time out, which would fail the paused workflow's task and leave the request unanswerable.
 */
export const CHANNEL_TIMEOUT_MS = 10_000;

export interface CompositeNotifierOptions {
  /** @default CHANNEL_TIMEOUT_MS */
  readonly channelTimeoutMs?: number;
}

/**
 * Fans a notification out to every configured channel. One channel's failure, or its silence past
 * the time limit, is reported, never thrown, so the others still send and the gate still pauses.
 */
export class CompositeNotifier implements Notifier {
  private readonly channels: Notifier[];
  private readonly channelTimeoutMs: number;

  constructor(channels: Notifier[] = [], options: CompositeNotifierOptions = {}) {
    this.channels = [...channels];
    this.channelTimeoutMs = options.channelTimeoutMs ?? CHANNEL_TIMEOUT_MS;
  }

  add(channel: Notifier): void {
    this.channels.push(channel);
  }

  async notify(request: ApprovalRequest, reason: NotifyReason): Promise<NotifyReport[]> {
    const results = await Promise.allSettled(this.channels.map((channel) => this.bounded(channel.notify(request, reason))));
    return results.flatMap((result) =>
      result.status === 'fulfilled' ? result.value : [{ channel: 'unknown', ok: false, error: String((result.reason as Error)?.message ?? result.reason) }],
    );
  }

  private bounded(sending: Promise<NotifyReport[]>): Promise<NotifyReport[]> {
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not answer within ${this.channelTimeoutMs} ms`)), this.channelTimeoutMs);
    });
    return Promise.race([sending, silence]).finally(() => clearTimeout(timer));
  }
}
