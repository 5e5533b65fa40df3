import { afterEach, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp, type LocalAppOptions } from '#local/app';
import type { LocalModule } from '#local/module';
import type { Notifier } from '#ports';
import { call } from '../support/http.ts';
import { never } from '../support/fault-injection.ts';
import { startPausedExecutions } from '../support/paused-executions.ts';

let app: LocalApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A feature module that adds one more notification channel to the app's channels. */
const withChannel = (channel: Notifier): LocalModule => ({
  name: 'extra-channel',
  start: async (ctx) => {
    ctx.notifier.add(channel);
    return {};
  },
});

async function expectPausedListedAndAnswerable(options: LocalAppOptions, until: 'notified' | 'stored' = 'notified') {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [], ...options });
  // The gate still pauses: the execution waits on its token, and the request is listed
  const [paused] = await startPausedExecutions(app, 1, { until });
  expect((await app.engine.describeExecution(paused.executionArn)).status).toBe('RUNNING');
  const listed = await call(app.url, 'GET', `/approvals?workflow=${paused.request.workflowId}`);
  expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([paused.requestId]);
  // ...and answerable: the decision resumes the workflow
  const decided = await call(app.url, 'POST', `/approvals/${paused.requestId}/respond`, { body: { decision: 'approve' } });
  expect(decided.status).toBe(200);
  expect(decided.body.delivery).toBe('delivered');
  const finished = await app.engine.waitForExecution(paused.executionArn, 5_000);
  expect(finished.status).toBe('SUCCEEDED');
  expect((finished.output as { approval: { outcome: string } }).approval.outcome).toBe('approved');
  return (await app.deps.store.get(paused.requestId))!;
}

describe('a notification channel is down', () => {
  it('pauses the gate and keeps the request answerable when the only notifier throws', async () => {
    const stored = await expectPausedListedAndAnswerable({ notifier: { notify: async () => Promise.reject(new Error('SES: Throttling: Maximum sending rate exceeded')) } });
    expect(stored.events.find((e) => e.type === 'notify_failed')).toMatchObject({ detail: { error: expect.stringMatching(/Maximum sending rate/) } });
  });

  it('records which channel failed when one of several is down, and the others still notify', async () => {
    const stored = await expectPausedListedAndAnswerable({ modules: [withChannel({ notify: async () => Promise.reject(new Error('slack webhook answered 503')) })] });
    const notes = stored.events.filter((e) => e.type === 'notified' || e.type === 'notify_failed');
    expect(notes.map((e) => e.type).sort()).toEqual(['notified', 'notify_failed']);
    expect(notes.find((e) => e.type === 'notify_failed')?.detail?.error).toMatch(/503/);
  });

  it('pauses and stays answerable when a channel never answers at all', async () => {
    // Locally the engine waits on the token whatever the gate function does. On AWS a gate that never
    // returns would hit its Lambda timeout, so channels must bound their own calls (see the report).
    const stored = await expectPausedListedAndAnswerable({ modules: [withChannel({ notify: () => never() })] }, 'stored');
    expect(stored.status).toBe('approved');
  });
});
