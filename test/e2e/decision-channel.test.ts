import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { pausedGate } from '../support/channels.ts';
import { ADMIN, call } from '../support/http.ts';

let app: LocalApp;
beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [] });
});
afterAll(async () => app.close());

describe('decision channel of an API decision', () => {
  it('records channel dashboard when the dashboard says so in x-hitl-channel', async () => {
    // Prepare
    const { request } = await pausedGate(app);
    // Act
    const answer = await call(app.url, 'POST', `/approvals/${request.id}/respond`, { body: { decision: 'approve' }, headers: { 'x-hitl-channel': 'dashboard' } });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.approval.decision.channel).toBe('dashboard');
    const audit = await call(app.url, 'GET', `/audit?execution=${encodeURIComponent(request.executionId)}`, { headers: ADMIN });
    expect(audit.body.items.find((entry: { kind: string }) => entry.kind === 'decision').detail.channel).toBe('dashboard');
  });

  it('records channel api without the header', async () => {
    const { request } = await pausedGate(app);
    const answer = await call(app.url, 'POST', `/approvals/${request.id}/respond`, { body: { decision: 'reject' } });
    expect(answer.status).toBe(200);
    expect(answer.body.approval.decision.channel).toBe('api');
  });

  it('refuses any other channel with 400 naming the header, and decides nothing', async () => {
    // Prepare
    const { request } = await pausedGate(app);
    // Act
    const answers = await Promise.all(
      ['slack', 'email', 'stepfunctions', 'Dashboard ', 'x'.repeat(300)].map((channel) =>
        call(app.url, 'POST', `/approvals/${request.id}/respond`, { body: { decision: 'approve' }, headers: { 'x-hitl-channel': channel } }),
      ),
    );
    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body.error.issues[0].path).toBe('x-hitl-channel');
    }
    expect((await call(app.url, 'GET', `/approvals/${request.id}`)).body.status).toBe('pending');
  });

  it('marks the batch decisions of the dashboard too', async () => {
    const { request } = await pausedGate(app);
    const answer = await call(app.url, 'POST', '/approvals/batch-respond', {
      body: { decisions: [{ id: request.id, decision: 'approve' }] },
      headers: { 'x-hitl-channel': 'dashboard' },
    });
    expect(answer.status).toBe(200);
    expect((await call(app.url, 'GET', `/approvals/${request.id}`)).body.decision.channel).toBe('dashboard');
  });
});
