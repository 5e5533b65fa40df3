import { afterEach, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp, type LocalAppOptions } from '#local/app';
import type { LocalModule } from '#local/module';
import type { Notifier } from '#ports';
import { FUNCTION_TIMEOUT_SECONDS } from '#infra/function-timeouts';
import { call, eventually } from '../support/http.ts';
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

  it('pauses and stays answerable when a channel never answers at all: the gate gives up on it before its Lambda timeout', async () => {
    // Prepare: the local engine gives the gate function the Lambda timeout CDK deploys it with
    app = await startLocalApp({ sweepIntervalMs: 0, modules: [withChannel({ notify: () => never() })] });
    const [paused] = await startPausedExecutions(app, 1, { until: 'stored' });
    // Act: wait until the gate function has ended, by giving up on the channel or by its timeout
    const { execution, stored } = await eventually(async () => {
      const execution = await app!.engine.describeExecution(paused.executionArn);
      const stored = await app!.deps.store.get(paused.requestId);
      return execution.status !== 'RUNNING' || stored?.events.some((e) => e.type === 'notify_failed') ? { execution, stored } : undefined;
    }, (FUNCTION_TIMEOUT_SECONDS.gate + 20) * 1000, 'the gate function to end');
    const decided = await call(app.url, 'POST', `/approvals/${paused.requestId}/respond`, { body: { decision: 'approve' } });
    const finished = await app.engine.waitForExecution(paused.executionArn, 5_000);
    // Assess: the channel was given up on in time, and the workflow still waited and resumed
    expect(execution.status).toBe('RUNNING');
    expect(stored?.events.find((e) => e.type === 'notify_failed')?.detail?.error).toMatch(/did not answer within/);
    expect(decided.status).toBe(200);
    expect(decided.body.delivery).toBe('delivered');
    expect(finished.status).toBe('SUCCEEDED');
    expect((finished.output as { approval: { outcome: string } }).approval.outcome).toBe('approved');
  }, 90_000);
});
