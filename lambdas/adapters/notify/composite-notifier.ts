import type { ApprovalRequest } from '#core/request';
import type { Notifier, NotifyReason, NotifyReport } from '#ports';

/**
 * Fans a notification out to every configured channel. One channel's failure is reported, never
 * thrown, so the others still send and the gate still pauses.
 */
export class CompositeNotifier implements Notifier {
  private readonly channels: Notifier[];

  constructor(channels: Notifier[] = []) {
    this.channels = [...channels];
  }

  add(channel: Notifier): void {
    this.channels.push(channel);
  }

  async notify(request: ApprovalRequest, reason: NotifyReason): Promise<NotifyReport[]> {
    const results = await Promise.allSettled(this.channels.map((channel) => channel.notify(request, reason)));
    return results.flatMap((result) =>
      result.status === 'fulfilled' ? result.value : [{ channel: 'unknown', ok: false, error: String((result.reason as Error)?.message ?? result.reason) }],
    );
  }
}
