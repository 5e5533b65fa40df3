import { describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { LocalDirectory } from '#adapters/directory/local-directory';
import type { ApprovalRequest } from '#core/request';
import { notifyApprovers } from '#usecases/notify-approvers';
import { EmailNotifier } from '../../lambdas/channels/email/email-notifier.ts';
import { isThrottle, SendPacer } from '../../lambdas/channels/email/send-pacer.ts';
import { staticSecret } from '../../lambdas/channels/secrets/secret-source.ts';
import { ManualClock, gateInput, hitl } from '../support/fixtures.ts';

/** A clock whose sleeps end at once, moving time on to their end, recording each wait. */
function fakeTime() {
  let now = 0;
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    const until = now + ms;
    waits.push(ms);
    await Promise.resolve();
    now = Math.max(now, until);
  };
  return { waits, now: () => now, sleep };
}

const people = Array.from({ length: 5 }, (_, i) => ({ userId: `a${i}`, email: `a${i}@example.com`, groups: ['approvers'] }));
const directory = new LocalDirectory({ people });

function request(): ApprovalRequest {
  const input = gateInput();
  return {
    id: 'apr_abcdefghijklmnopqrstuvwxyz', executionId: input.executionId, workflowId: input.workflowId, nodeId: input.nodeId, step: input.step,
    mode: 'confirm_tools', channel: 'async', action: input.action, context: input.context, hitl: hitl(), status: 'pending', level: 0,
    createdAt: '2026-11-25T10:00:00.000Z', dueAt: '2026-11-25T10:30:00.000Z', events: [],
  };
}

const throttle = () => Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' });

describe('email pacing and throttles (SES sandbox: 1 message a second)', () => {
  it('spaces sends by the account rate, even with four senders at once', async () => {
    // Prepare
    const time = fakeTime();
    const mail = new MemoryMailSender();
    const notifier = new EmailNotifier({ directory, mail, secret: staticSecret('s'.repeat(40)), baseUrl: () => 'http://127.0.0.1:9', clock: new ManualClock(), pacer: new SendPacer(async () => 1, time) });
    // Act
    const reports = await notifier.notify(request(), 'created');
    // Assess
    expect(reports).toEqual([{ channel: 'email', ok: true, recipients: expect.any(Array) }]);
    expect(mail.sent).toHaveLength(5);
    // Slots 0, 1, 2 and 3 s for the four senders, then 4 s for the fifth: five mails over four seconds.
    expect([...time.waits].sort((a, b) => a - b)).toEqual([1_000, 1_000, 2_000, 3_000]);
    expect(time.now()).toBe(4_000);
  });

  it('retries a throttled send with backoff beyond the short retry, until it goes out', async () => {
    const time = fakeTime();
    const mail = new MemoryMailSender();
    let throttles = 3;
    const flaky = { send: async (m: Parameters<MemoryMailSender['send']>[0]) => { if (throttles-- > 0) throw throttle(); return mail.send(m); } };
    const notifier = new EmailNotifier({ directory: new LocalDirectory({ people: people.slice(0, 1) }), mail: flaky, secret: staticSecret('s'.repeat(40)), baseUrl: () => 'http://127.0.0.1:9', clock: new ManualClock(), retry: { sleep: time.sleep }, throttleRetry: { sleep: time.sleep } });
    const reports = await notifier.notify(request(), 'created');
    expect(reports).toEqual([{ channel: 'email', ok: true, recipients: ['a0@example.com'] }]);
    expect(time.waits).toEqual([1_000, 2_000]);
  });

  it('records a give-up in the request history, saying it was throttled', async () => {
    const time = fakeTime();
    const always = { send: async () => { throw throttle(); } };
    const notifier = new EmailNotifier({ directory: new LocalDirectory({ people: people.slice(0, 1) }), mail: always, secret: staticSecret('s'.repeat(40)), baseUrl: () => 'http://127.0.0.1:9', clock: new ManualClock(), retry: { sleep: time.sleep }, throttleRetry: { sleep: time.sleep } });
    const events: { type: string; detail?: { error?: string } }[] = [];
    const store = { appendEvent: async (_id: string, event: (typeof events)[number]) => { events.push(event); } };
    await notifyApprovers({ notifier, store, clock: new ManualClock() } as never, request(), 'created');
    expect(events).toEqual([expect.objectContaining({ type: 'notify_failed', detail: expect.objectContaining({ error: expect.stringMatching(/a0@example.com: gave up after 7 throttled attempt\(s\): Maximum sending rate exceeded/) }) })]);
    expect(time.waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(10_000);
  });

  it('knows a throttle from other faults', () => {
    expect(isThrottle(throttle())).toBe(true);
    expect(isThrottle(Object.assign(new Error('x'), { name: 'ThrottlingException' }))).toBe(true);
    expect(isThrottle(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }))).toBe(false);
  });
});
