import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import type { MailSender } from '#adapters/mail/mail-sender';
import { ManualClock } from '../support/fixtures.ts';
import { call, eventually } from '../support/http.ts';
import { decisionLinksIn, pausedGate, postForm } from '../support/channels.ts';

const mail = new MemoryMailSender();
/** Lets one test make the mail channel fail; the others send normally. */
let mailDown = false;
const switchableMail: MailSender = {
  send: async (message) => {
    if (mailDown) throw new Error('SES is down');
    return mail.send(message);
  },
};
const clock = new ManualClock(new Date());
let app: LocalApp;

beforeAll(async () => {
  app = await startLocalApp({
    sweepIntervalMs: 0,
    clock,
    modules: [channelsModule({ mail: switchableMail, retry: { sleep: async () => undefined }, env: {} })],
  });
});
afterAll(async () => app.close());

/** The mail a given approver got about a request. */
function mailFor(requestId: string, to: string) {
  return eventually(async () => mail.sent.find((m) => m.to === to && m.raw.includes(requestId)), 5_000, `a mail to ${to}`);
}

describe('approver emails', () => {
  it('mails each approver of the node, naming them in To, with the context and their links', async () => {
    // Act
    const { request } = await pausedGate(app);
    // Assess
    const bob = await mailFor(request.id, 'bob@example.com');
    await mailFor(request.id, 'erin@example.com');
    expect(bob.raw).toMatch(/^To: bob@example\.com\r$/m);
    expect(bob.text).toContain(request.workflowId);
    expect(bob.text).toContain('send_email');
    expect(bob.text).toContain('Email carol@example.com our refund policy');
    const links = decisionLinksIn(bob.raw);
    expect(links.approve.startsWith(`${app.url}/links/approve.`)).toBe(true);
    const notified = await eventually(async () =>
      (await app.deps.store.get(request.id))?.events.find((e) => e.type === 'notified' && e.actor === 'channel:email'),
    );
    expect(notified.detail).toMatchObject({
      recipients: expect.arrayContaining(['bob@example.com', 'erin@example.com']),
    });
  });

  it('records a failed send in the history and leaves the request answerable through the API', async () => {
    // Prepare
    mailDown = true;
    try {
      // Act
      const { request, executionArn } = await pausedGate(app);
      // Assess
      const failed = await eventually(async () => (await app.deps.store.get(request.id))?.events.find((e) => e.type === 'notify_failed'));
      expect(failed).toMatchObject({ actor: 'channel:email', detail: { error: expect.stringContaining('SES is down') } });
      const decided = await call(app.url, 'POST', `/approvals/${request.id}/respond`, { body: { decision: 'approve' } });
      expect(decided.status).toBe(200);
      expect((await app.engine.waitForExecution(executionArn, 5_000)).status).toBe('SUCCEEDED');
    } finally {
      mailDown = false;
    }
  });
});

describe('decision links', () => {
  it('shows a confirmation on GET without deciding, and decides on the page POST', async () => {
    // Prepare
    const { request, executionArn } = await pausedGate(app);
    const { approve } = decisionLinksIn((await mailFor(request.id, 'bob@example.com')).raw);
    // Act
    const page = await fetch(approve);
    const pageText = await page.text();
    const stillPending = await app.deps.store.get(request.id);
    const decided = await postForm(approve, { confirm: 'yes', reason: 'fine by me' });
    // Assess
    expect(page.status).toBe(200);
    expect(pageText).toMatch(/<form method="post">/);
    expect(pageText).toContain('send_email');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(stillPending?.status).toBe('pending');
    expect(decided.status).toBe(200);
    expect(await decided.text()).toContain('approved');
    const stored = await app.deps.store.get(request.id);
    expect(stored?.decision).toMatchObject({ outcome: 'approved', approver: 'bob', channel: 'email', reason: 'fine by me' });
    expect((await app.engine.waitForExecution(executionArn, 5_000)).output).toMatchObject({ approval: { outcome: 'approved', approver: 'bob' } });
  });

  it('rejects through the reject link', async () => {
    const { request, executionArn } = await pausedGate(app);
    const { reject } = decisionLinksIn((await mailFor(request.id, 'erin@example.com')).raw);
    const decided = await postForm(reject, { confirm: 'yes' });
    expect(decided.status).toBe(200);
    expect((await app.engine.waitForExecution(executionArn, 5_000)).output).toMatchObject({ approval: { outcome: 'rejected', approver: 'erin' } });
  });

  it('answers 410 to a used link, on GET and on POST', async () => {
    const { request } = await pausedGate(app);
    const { approve } = decisionLinksIn((await mailFor(request.id, 'bob@example.com')).raw);
    await postForm(approve, { confirm: 'yes' });
    const again = await postForm(approve, { confirm: 'yes' });
    const reopened = await fetch(approve);
    expect(again.status).toBe(410);
    expect(await again.text()).toMatch(/already been used/);
    expect(reopened.status).toBe(410);
  });

  it('lets exactly one of two racing clicks on the same link decide', async () => {
    const { request } = await pausedGate(app);
    const { approve } = decisionLinksIn((await mailFor(request.id, 'bob@example.com')).raw);
    const statuses = (await Promise.all([postForm(approve, { confirm: 'yes' }), postForm(approve, { confirm: 'yes' })])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 410]);
  });

  it('answers 410 "already decided" to another approver\'s link once the request is decided', async () => {
    const { request } = await pausedGate(app);
    const bobLinks = decisionLinksIn((await mailFor(request.id, 'bob@example.com')).raw);
    const erinLinks = decisionLinksIn((await mailFor(request.id, 'erin@example.com')).raw);
    await postForm(bobLinks.approve, { confirm: 'yes' });
    const late = await postForm(erinLinks.reject, { confirm: 'yes' });
    expect(late.status).toBe(410);
    expect(await late.text()).toMatch(/already decided: approved by bob/);
    expect((await fetch(erinLinks.approve)).status).toBe(410);
  });

  it('refuses a tampered link with 403 and a truncated one with 400, deciding nothing', async () => {
    const { request } = await pausedGate(app);
    const { approve } = decisionLinksIn((await mailFor(request.id, 'bob@example.com')).raw);
    const tampered = `${approve.slice(0, -2)}${approve.endsWith('AA') ? 'BB' : 'AA'}`;
    const [prefix] = approve.split('.eyJ');
    const truncated = `${prefix}.eyJ`;
    expect((await fetch(tampered)).status).toBe(403);
    expect((await postForm(tampered, { confirm: 'yes' })).status).toBe(403);
    expect((await fetch(truncated)).status).toBe(400);
    expect((await app.deps.store.get(request.id))?.status).toBe('pending');
  });

  it('refuses a POST that does not come from the page button, and other methods', async () => {
    const { request } = await pausedGate(app);
    const { approve } = decisionLinksIn((await mailFor(request.id, 'bob@example.com')).raw);
    expect((await postForm(approve, {})).status).toBe(400);
    expect((await fetch(approve, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(415);
    expect((await fetch(approve, { method: 'PUT', body: 'confirm=yes', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(405);
    expect((await app.deps.store.get(request.id))?.status).toBe('pending');
    expect((await fetch(approve)).status).toBe(200);
  });

  it('answers 410 to a link past the request\'s due time', async () => {
    const { request } = await pausedGate(app);
    const { approve } = decisionLinksIn((await mailFor(request.id, 'bob@example.com')).raw);
    clock.advance(31 * 60 * 1000);
    try {
      const expired = await fetch(approve);
      expect(expired.status).toBe(410);
      expect(await expired.text()).toMatch(/expired/);
    } finally {
      clock.advance(-31 * 60 * 1000);
    }
  });

  it('mails no links to the requester, who could not decide (separation of duties), and the other approvers theirs', async () => {
    // bob, an approver, started this execution; erin may decide it, bob may not.
    const { request } = await pausedGate(app, { requestedBy: 'bob' });
    await mailFor(request.id, 'erin@example.com');
    await eventually(async () => (await app.deps.store.get(request.id))?.events.find((e) => e.type === 'notified' && e.actor === 'channel:email'));
    expect(mail.sent.filter((m) => m.to === 'bob@example.com' && m.raw.includes(request.id))).toEqual([]);
    expect((await app.deps.store.get(request.id))?.status).toBe('pending');
  });

  it('mails the next level on escalation, with links that decide at that level', async () => {
    // Prepare
    const { request, executionArn } = await pausedGate(app, {
      hitl: { timeoutSeconds: 60, onTimeout: 'escalate', escalation: [{ approvers: { users: ['dana'], groups: [] }, timeoutSeconds: 600 }] },
    });
    clock.advance(61_000);
    try {
      // Act
      await app.sweep();
      // Assess
      const dana = await mailFor(request.id, 'dana@example.com');
      expect(dana.subject).toMatch(/^Escalated/);
      const decided = await postForm(decisionLinksIn(dana.raw).approve, { confirm: 'yes' });
      expect(decided.status).toBe(200);
      expect((await app.engine.waitForExecution(executionArn, 5_000)).output).toMatchObject({ approval: { outcome: 'approved', approver: 'dana' } });
    } finally {
      clock.advance(-61_000);
    }
  });
});
