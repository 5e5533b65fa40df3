import { describe, expect, it } from 'vitest';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { LocalDirectory } from '#adapters/directory/local-directory';
import type { ApprovalRequest } from '#core/request';
import { LambdaDispatchNotifier } from '../../lambdas/channels/dispatch/lambda-dispatch-notifier.ts';
import { EmailNotifier } from '../../lambdas/channels/email/email-notifier.ts';
import { staticSecret } from '../../lambdas/channels/secrets/secret-source.ts';
import { SlackNotifier } from '../../lambdas/channels/slack/slack-notifier.ts';
import { ManualClock, gateInput, hitl } from '../support/fixtures.ts';

const directory = new LocalDirectory({
  people: [
    { userId: 'bob', name: 'Bob', email: 'bob@example.com', slackUserId: 'U0BOB00001', groups: ['approvers'] },
    { userId: 'carol', email: 'carol@example.com', groups: ['approvers'] },
    { userId: 'nomail', groups: ['approvers'] },
    { userId: 'dana', email: 'dana@example.com', groups: ['finance'] },
  ],
});
const noWait = { sleep: async () => undefined };

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  const input = gateInput();
  return {
    id: 'apr_abcdefghijklmnopqrstuvwxyz',
    executionId: input.executionId,
    workflowId: input.workflowId,
    nodeId: input.nodeId,
    step: input.step,
    mode: 'confirm_tools',
    channel: 'async',
    action: input.action,
    context: input.context,
    hitl: hitl(),
    status: 'pending',
    level: 0,
    createdAt: '2026-11-25T10:00:00.000Z',
    dueAt: '2026-11-25T10:30:00.000Z',
    events: [],
    ...overrides,
  };
}

function emailNotifier(mail: { send: MemoryMailSender['send'] }) {
  return new EmailNotifier({ directory, mail, secret: staticSecret('s'.repeat(40)), baseUrl: () => 'http://127.0.0.1:9', clock: new ManualClock(), retry: noWait });
}

describe('email notifier', () => {
  it('mails every approver of the level who has an address, each with their own links', async () => {
    // Prepare
    const mail = new MemoryMailSender();
    // Act
    const reports = await emailNotifier(mail).notify(request(), 'created');
    // Assess
    expect(reports).toEqual([{ channel: 'email', ok: true, recipients: expect.arrayContaining(['bob@example.com', 'carol@example.com']) }]);
    expect(mail.sent.map((m) => m.to).sort()).toEqual(['bob@example.com', 'carol@example.com']);
    const [first, second] = mail.sent.map((m) => m.text.match(/links\/approve\.\S+/)?.[0]);
    expect(first).not.toEqual(second);
  });

  it('mails the escalation level on escalation', async () => {
    const mail = new MemoryMailSender();
    const escalating = hitl({ onTimeout: 'escalate', escalation: [{ approvers: { users: [], groups: ['finance'] }, timeoutSeconds: 60 }] });
    await emailNotifier(mail).notify(request({ hitl: escalating, level: 1 }), 'escalated');
    expect(mail.sent.map((m) => m.to)).toEqual(['dana@example.com']);
    expect(mail.sent[0].subject).toMatch(/^Escalated/);
  });

  it('retries a failing send, then reports the failure instead of throwing', async () => {
    // Prepare
    let attempts = 0;
    const flaky = { send: async () => { attempts++; throw new Error('SES throttled'); } };
    // Act
    const reports = await emailNotifier(flaky).notify(request({ hitl: hitl({ approvers: { users: ['bob'], groups: [] } }) }), 'created');
    // Assess
    expect(attempts).toBe(3);
    expect(reports).toEqual([{ channel: 'email', ok: false, recipients: ['bob@example.com'], error: 'bob@example.com: SES throttled' }]);
  });

  it('succeeds on a retry after a transient failure', async () => {
    let attempts = 0;
    const mail = new MemoryMailSender();
    const once = { send: async (m: Parameters<MemoryMailSender['send']>[0]) => (++attempts === 1 ? Promise.reject(new Error('blip')) : mail.send(m)) };
    const reports = await emailNotifier(once).notify(request({ hitl: hitl({ approvers: { users: ['bob'], groups: [] } }) }), 'created');
    expect(reports[0]).toMatchObject({ ok: true, recipients: ['bob@example.com'] });
  });

  it('reports a level without any reachable approver', async () => {
    const reports = await emailNotifier(new MemoryMailSender()).notify(request({ hitl: hitl({ approvers: { users: [], groups: ['nobody'] } }) }), 'created');
    expect(reports).toEqual([{ channel: 'email', ok: false, error: expect.stringContaining('no approver') }]);
  });
});

describe('Slack notifier', () => {
  it('posts to the most specific webhook and mentions linked approvers', async () => {
    // Prepare
    const posts: { url: string; message: any }[] = [];
    const notifier = new SlackNotifier({
      webhooks: async () => ({ '*': 'https://hooks.example/all', 'support-agent/agent': 'https://hooks.example/agent' }),
      directory,
      post: async (url, message) => void posts.push({ url, message }),
      baseUrl: () => 'http://127.0.0.1:9',
      retry: noWait,
    });
    // Act
    const reports = await notifier.notify(request(), 'created');
    // Assess
    expect(reports).toEqual([{ channel: 'slack', ok: true, recipients: ['bob'] }]);
    expect(posts[0].url).toBe('https://hooks.example/agent');
    expect(JSON.stringify(posts[0].message)).toContain('<@U0BOB00001>');
  });

  it('stays silent for a workflow without a webhook and reports a failing one', async () => {
    const silent = new SlackNotifier({ webhooks: async () => ({ other: 'https://hooks.example/x' }), directory, post: async () => undefined, baseUrl: () => '', retry: noWait });
    expect(await silent.notify(request(), 'created')).toEqual([]);
    const failing = new SlackNotifier({ webhooks: async () => ({ '*': 'https://hooks.example/x' }), directory, post: async () => { throw new Error('Slack answered 404: no_service'); }, baseUrl: () => '', retry: noWait });
    expect(await failing.notify(request(), 'created')).toEqual([{ channel: 'slack', ok: false, error: 'Slack answered 404: no_service' }]);
  });
});

describe('dispatch to the notifier function', () => {
  it('invokes the notifier asynchronously with the request id, reason and level', async () => {
    const sent: InvokeCommand[] = [];
    const notifier = new LambdaDispatchNotifier('hitl-notifier', { send: async (command: InvokeCommand) => void sent.push(command) } as never, noWait);
    const reports = await notifier.notify(request({ level: 1 }), 'escalated');
    expect(reports).toEqual([{ channel: 'dispatch', ok: true }]);
    expect(sent[0].input).toMatchObject({ FunctionName: 'hitl-notifier', InvocationType: 'Event' });
    expect(JSON.parse(Buffer.from(sent[0].input.Payload as Uint8Array).toString())).toEqual({ requestId: 'apr_abcdefghijklmnopqrstuvwxyz', reason: 'escalated', level: 1 });
  });

  it('reports a failed invoke without holding up the gate', async () => {
    const notifier = new LambdaDispatchNotifier('hitl-notifier', { send: async () => { throw new Error('AccessDenied'); } } as never, noWait);
    expect(await notifier.notify(request(), 'created')).toEqual([{ channel: 'dispatch', ok: false, error: expect.stringContaining('AccessDenied') }]);
  });
});
