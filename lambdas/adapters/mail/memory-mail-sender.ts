import type { MailSender, OutgoingMail } from './mail-sender.ts';
import { buildMimeMessage } from './mime.ts';

/** Keeps sent messages in memory (tests, in-memory local mode), raw MIME included. */
export class MemoryMailSender implements MailSender {
  readonly sent: (OutgoingMail & { raw: string; messageId: string })[] = [];

  constructor(private readonly from = 'hitl-approvals@example.com') {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const { raw, messageId } = buildMimeMessage(mail, { from: this.from });
    this.sent.push({ ...mail, raw, messageId });
    return { messageId };
  }
}
