import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MailSender, OutgoingMail } from './mail-sender.ts';
import { buildMimeMessage } from './mime.ts';

/**
 * Local mode's SES: every message becomes one file in the outbox folder (the raw RFC 5322 message),
 * named so they sort by time. Written to a temporary name and renamed, so a reader never sees half a
 * message. The suffix tells kinds of mail apart: `.eml` for mail the agent sends, another suffix for
 * the system's own notices to approvers.
 */
export class OutboxMailSender implements MailSender {
  private sequence = 0;

  constructor(
    private readonly folder: string,
    private readonly from: string,
    private readonly suffix = '.eml',
  ) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const { raw, messageId } = buildMimeMessage(mail, { from: this.from });
    await mkdir(this.folder, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const recipient = mail.to.replace(/[^A-Za-z0-9@._-]/g, '_');
    const name = `${stamp}-${String(++this.sequence).padStart(4, '0')}-${recipient}${this.suffix}`;
    const temporary = join(this.folder, `.${name}.tmp`);
    await writeFile(temporary, raw, 'utf8');
    await rename(temporary, join(this.folder, name));
    return { messageId };
  }
}
