import { describe, expect, it } from 'vitest';
import { LocalDirectory } from '#adapters/directory/local-directory';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import type { ApprovalRequest } from '#core/request';
import { EmailNotifier } from '../../lambdas/channels/email/email-notifier.ts';
import { staticSecret } from '../../lambdas/channels/secrets/secret-source.ts';
import { SlackNotifier } from '../../lambdas/channels/slack/slack-notifier.ts';
import { ManualClock, gateInput, hitl } from '../support/fixtures.ts';

const directory = new LocalDirectory({
  people: [
    { userId: 'bob', email: 'bob@example.com', slackUserId: 'U0BOB00001', groups: ['approvers'] },
    { userId: 'carol', email: 'carol@example.com', slackUserId: 'U0CAROL001', groups: ['approvers'] },
  ],
});
const noWait = { sleep: async () => undefined };

/** A request that bob, himself an approver, started. */
function startedByBob(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
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
    requestedBy: 'bob',
    status: 'pending',
    level: 0,
    createdAt: '2026-11-25T10:00:00.000Z',
    dueAt: '2026-11-25T10:30:00.000Z',
    events: [],
    ...overrides,
  };
}

function emailNotifier(mail: MemoryMailSender) {
  return new EmailNotifier({ directory, mail, secret: staticSecret('s'.repeat(40)), baseUrl: () => 'http://127.0.0.1:9', clock: new ManualClock(), retry: noWait });
}

describe('notifications to the requester of an execution', () => {
  it('mails no decision links to the approver who started the execution', async () => {
    // Prepare
    const mail = new MemoryMailSender();
    // Act
    const reports = await emailNotifier(mail).notify(startedByBob(), 'created');
    // Assess
    expect(mail.sent.map((m) => m.to)).toEqual(['carol@example.com']);
    expect(reports).toEqual([{ channel: 'email', ok: true, recipients: ['carol@example.com'] }]);
  });

  it('mails the requester their links when the node allows self-approval', async () => {
    const mail = new MemoryMailSender();
    await emailNotifier(mail).notify(startedByBob({ hitl: hitl({ allowSelfApproval: true }) }), 'created');
    expect(mail.sent.map((m) => m.to).sort()).toEqual(['bob@example.com', 'carol@example.com']);
  });

  it('reports a request whose only approver is its requester instead of mailing them', async () => {
    const mail = new MemoryMailSender();
    const reports = await emailNotifier(mail).notify(startedByBob({ hitl: hitl({ approvers: { users: ['bob'], groups: [] } }) }), 'escalated');
    expect(mail.sent).toEqual([]);
    expect(reports).toEqual([{ channel: 'email', ok: false, error: expect.stringContaining('requester') }]);
  });

  it('does not ask the requester to decide in Slack', async () => {
    // Prepare
    const posted: unknown[] = [];
    const notifier = new SlackNotifier({ webhooks: async () => ({ '*': 'https://hooks.example/x' }), directory, post: async (_url, message) => void posted.push(message), baseUrl: () => 'http://x', retry: noWait });
    // Act
    const reports = await notifier.notify(startedByBob(), 'created');
    // Assess
    expect(reports).toEqual([{ channel: 'slack', ok: true, recipients: ['carol'] }]);
    expect(JSON.stringify(posted)).toContain('<@U0CAROL001>');
    expect(JSON.stringify(posted)).not.toContain('U0BOB00001');
  });
});
