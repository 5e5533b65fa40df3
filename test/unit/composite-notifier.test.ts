import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL_TIMEOUT_MS, CompositeNotifier } from '#adapters/notify/composite-notifier';
import type { ApprovalRequest } from '#core/request';
import { FUNCTION_TIMEOUT_SECONDS } from '#infra/function-timeouts';

afterEach(() => vi.useRealTimers());

const request = { id: 'apr_1' } as ApprovalRequest;

describe('notifying every channel', () => {
  it('reports a channel that never answers as failed once its time is up, and keeps the others\' reports', async () => {
    // Prepare
    vi.useFakeTimers();
    const notifier = new CompositeNotifier([
      { notify: async () => [{ channel: 'email', ok: true }] },
      { notify: () => new Promise(() => undefined) },
    ]);
    // Act
    const reports = notifier.notify(request, 'created');
    await vi.advanceTimersByTimeAsync(CHANNEL_TIMEOUT_MS);
    // Assess
    expect(await reports).toEqual([
      { channel: 'email', ok: true },
      { channel: 'unknown', ok: false, error: `did not answer within ${CHANNEL_TIMEOUT_MS} ms` },
    ]);
  });

  it('gives up on a channel well before the gate functions\' Lambda timeout', () => {
    expect(CHANNEL_TIMEOUT_MS).toBeLessThanOrEqual(Math.min(FUNCTION_TIMEOUT_SECONDS.gate, FUNCTION_TIMEOUT_SECONDS['flow-gate']) * 1000 - 5_000);
  });
});
