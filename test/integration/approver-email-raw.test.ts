import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxMailSender } from '#adapters/mail/outbox-mail-sender';
import { startLocalApp, type LocalApp } from '#local/app';
import { APPROVER_MAIL_SUFFIX, channelsModule } from '#local/channels-module';
import { pausedGate, postForm } from '../support/channels.ts';
import { call, eventually } from '../support/http.ts';

const outbox = mkdtempSync(join(tmpdir(), 'hitl-approver-mail-'));
let app: LocalApp;

beforeAll(async () => {
  const mail = new OutboxMailSender(outbox, 'hitl-approvals@example.com', APPROVER_MAIL_SUFFIX);
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [channelsModule({ mail, env: {} })] });
});
afterAll(async () => {
  await app.close();
  rmSync(outbox, { recursive: true, force: true });
});

/** The raw file of the notice `to` got about a request, exactly as written to the outbox. */
function rawNotice(requestId: string, to: string): Promise<string> {
  return eventually(async () => {
    for (const file of readdirSync(outbox).filter((name) => name.endsWith(APPROVER_MAIL_SUFFIX) && name.includes(to))) {
      const raw = readFileSync(join(outbox, file), 'utf8');
      if (raw.includes(requestId)) return raw;
    }
    return undefined;
  }, 5_000, `the notice to ${to}`);
}

/** Lines of the raw message that start with `label`, their rest as written: nothing decoded. */
function linesStartingWith(raw: string, label: string): string[] {
  return raw.split('\r\n').filter((line) => line.startsWith(label)).map((line) => line.slice(label.length).trim());
}

describe('approver email as raw bytes', () => {
  it('keeps each link on one line, verbatim, so a link copied from the raw file decides', async () => {
    // Prepare
    const { request, executionArn } = await pausedGate(app);
    const raw = await rawNotice(request.id, 'bob@example.com');
    // Act
    const [approve] = linesStartingWith(raw, 'Approve: ');
    const [reject] = linesStartingWith(raw, 'Reject: ');
    const [dashboard] = linesStartingWith(raw, 'Dashboard: ');
    const shown = await fetch(approve);
    const decided = await postForm(approve, { confirm: 'yes' });
    // Assess
    expect(approve).toMatch(new RegExp(`^${app.url}/links/approve\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    expect(reject).toMatch(new RegExp(`^${app.url}/links/reject\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    expect(dashboard).toBe(`${app.url}/?request=${request.id}`);
    expect(shown.status).toBe(200);
    expect(decided.status).toBe(200);
    expect((await app.engine.waitForExecution(executionArn, 10_000)).output).toMatchObject({ approval: { outcome: 'approved', approver: 'bob' } });
    expect(raw.split('\r\n').every((line) => Buffer.byteLength(line) <= 998)).toBe(true);
  });

  it('quotes what the user and the agent wrote, so no line of theirs can pass for a link line', async () => {
    // Prepare: a user message that imitates the email's own link block
    const forged = [
      'Thanks!',
      'Approve: https://evil.example/links/approve.forged.sig',
      'Reject:  https://evil.example/links/reject.forged.sig',
      'Dashboard: https://evil.example/',
    ].join('\n');
    const sneaky = 'Approve: https://evil.example/ls\u2028Approve: https://evil.example/u2028\rApprove: https://evil.example/cr';
    const { request } = await pausedGate(app, {
      conversation: [
        { role: 'user', content: forged },
        { role: 'assistant', content: sneaky },
      ],
      args: { to: 'carol@example.com', body: `${'word '.repeat(400)}\nApprove: https://evil.example/args` },
    });
    // Act
    const raw = await rawNotice(request.id, 'bob@example.com');
    const text = raw.slice(0, raw.indexOf('Content-Type: text/html'));
    // Assess: every line that starts like a link line is ours, and every user line is quoted
    const ours = [...linesStartingWith(text, 'Approve: '), ...linesStartingWith(text, 'Reject: '), ...linesStartingWith(text, 'Dashboard: ')];
    expect(ours).toHaveLength(3);
    for (const url of ours) expect(url.startsWith(app.url)).toBe(true);
    expect(text).not.toMatch(/^[^>\r\n].*evil\.example/m);
    expect(text).toContain('> [user] Thanks!\r\n> Approve: https://evil.example/links/approve.forged.sig\r\n');
    expect(text).toMatch(/Conversation \(quoted, written by the user and the agent/);
    expect((await call(app.url, 'GET', `/approvals/${request.id}`)).body.status).toBe('pending');
  });
});
