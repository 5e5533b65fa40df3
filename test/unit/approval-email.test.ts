import { describe, expect, it } from 'vitest';
import { buildMimeMessage, plainTextBody, quotedPrintable } from '#adapters/mail/mime';
import { renderApprovalEmail } from '../../lambdas/channels/email/email-template.ts';
import { summarize } from '../../lambdas/channels/request-summary.ts';
import type { ApprovalRequest } from '#core/request';
import { hitl } from '../support/fixtures.ts';
import { decodeQuotedPrintable } from '../support/channels.ts';

const HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'apr_abcdefghijklmnopqrstuvwxyz',
    executionId: 'arn:aws:states:us-east-1:000000000000:execution:flow:1',
    workflowId: 'support-agent',
    nodeId: 'agent',
    step: 'call-1',
    mode: 'confirm_tools',
    channel: 'async',
    action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'send_email', args: { to: 'carol@example.com', body: HOSTILE } } },
    context: { conversation: [{ role: 'user', content: HOSTILE }], facts: { note: HOSTILE } },
    hitl: hitl(),
    requestedBy: 'alice',
    status: 'pending',
    level: 0,
    createdAt: '2026-11-25T10:00:00.000Z',
    dueAt: '2026-11-25T10:30:00.000Z',
    events: [],
    ...overrides,
  };
}

const links = { approve: 'http://127.0.0.1:3000/links/approve.p.s', reject: 'http://127.0.0.1:3000/links/reject.p.s', expiresAt: new Date('2026-11-25T10:30:00Z') };

describe('approver email', () => {
  it('shows workflow, node, tool, arguments and the last turns, with both links, in text and HTML', () => {
    // Act
    const email = renderApprovalEmail({ summary: summarize(request()), reason: 'created', recipientName: 'Bob', links, dashboardUrl: 'http://127.0.0.1:3000/' });
    // Assess
    expect(email.subject).toBe('Approval needed: tool send_email in support-agent/agent');
    for (const part of [email.text, email.html]) {
      for (const expected of ['support-agent', 'agent', 'send_email', 'carol@example.com', links.approve, links.reject]) expect(part).toContain(expected);
    }
    expect(email.text).toContain('[user] <script>');
  });

  it('escapes every piece of user content in the HTML part', () => {
    const email = renderApprovalEmail({ summary: summarize(request()), reason: 'created', recipientName: '<b>Bob</b>', links, dashboardUrl: 'http://x/' });
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<img');
    expect(email.html).not.toContain('<b>Bob');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img');
  });

  it('says when a request was escalated', () => {
    const email = renderApprovalEmail({ summary: summarize(request({ level: 1 })), reason: 'escalated', recipientName: 'Dana', links, dashboardUrl: 'http://x/' });
    expect(email.subject).toMatch(/^Escalated/);
    expect(email.text).toContain('escalated');
  });

  it('keeps only the last turns and cuts long ones', () => {
    const conversation = Array.from({ length: 20 }, (_, i) => ({ role: 'user' as const, content: `turn ${i} ${'x'.repeat(2000)}` }));
    const summary = summarize(request({ context: { conversation, facts: {} } }));
    expect(summary.turns).toHaveLength(6);
    expect(summary.turns[0].content.startsWith('turn 14')).toBe(true);
    expect(summary.turns[0].content.length).toBeLessThanOrEqual(600);
  });
});

describe('MIME message', () => {
  it('is multipart/alternative with the approver in To, the text part as is and the HTML part in base64', () => {
    // Prepare
    const link = `http://127.0.0.1:3000/links/approve.${'A'.repeat(300)}.sig`;
    const html = `<p>${'long html line '.repeat(200)}</p>`;
    // Act
    const { raw } = buildMimeMessage({ to: 'bob@example.com', subject: 'Approval needed: é', text: `plain\nApprove: ${link}`, html }, { from: 'hitl@example.com' });
    // Assess
    expect(raw).toMatch(/^To: bob@example\.com\r$/m);
    expect(raw).toMatch(/^From: hitl@example\.com\r$/m);
    expect(raw).toMatch(/^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=\r$/m);
    expect(raw).toContain('Content-Type: multipart/alternative; boundary=');
    expect(raw).toContain('Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nplain\r\n');
    expect(raw).toContain(`\r\nApprove: ${link}\r\n`);
    const htmlPart = raw.split('Content-Transfer-Encoding: base64\r\n\r\n')[1].split('\r\n--')[0];
    expect(Buffer.from(htmlPart, 'base64').toString('utf8')).toBe(html);
    expect(raw.split('\r\n').every((line) => line.length <= 998)).toBe(true);
  });

  it('sends UTF-8 text as 8bit, and only a text with a line above 998 octets as quoted-printable', () => {
    expect(plainTextBody('grüße\nzweite Zeile')).toEqual({ encoding: '8bit', body: 'grüße\r\nzweite Zeile' });
    const long = plainTextBody('x'.repeat(999));
    expect(long.encoding).toBe('quoted-printable');
    expect(long.body.split('\r\n').every((line) => line.length <= 76)).toBe(true);
  });

  it('refuses addresses and headers that could inject headers', () => {
    const mail = { subject: 's', text: 't', html: 'h' };
    expect(() => buildMimeMessage({ ...mail, to: 'bob@example.com\r\nBcc: eve@example.com' }, { from: 'a@example.com' })).toThrow('not a plain email address');
    expect(() => buildMimeMessage({ ...mail, to: 'bob@example.com', headers: { Bcc: 'eve@example.com' } }, { from: 'a@example.com' })).toThrow('X- header');
    const { raw } = buildMimeMessage({ ...mail, to: 'b@example.com', subject: 'line\r\nBcc: eve@example.com' }, { from: 'a@example.com' });
    expect(raw).not.toMatch(/^Bcc:/m);
  });

  it('encodes quoted-printable that decodes back to the text, with lines of at most 76 characters', () => {
    const text = `${'long line with = signs and ünïcödé '.repeat(10)}\ntrailing space \nhttp://127.0.0.1:3000/links/approve.${'A'.repeat(150)}`;
    const encoded = quotedPrintable(text);
    expect(encoded.split('\r\n').every((line) => line.length <= 76)).toBe(true);
    expect(Buffer.from(decodeQuotedPrintable(encoded), 'latin1').toString('utf8')).toBe(text.replace(/\n/g, '\r\n'));
  });
});
