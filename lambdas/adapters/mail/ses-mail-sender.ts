import { GetSendQuotaCommand, SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import type { MailSender, OutgoingMail } from './mail-sender.ts';
import { buildMimeMessage } from './mime.ts';

/** The one SES client of the process, created on first use. */
let client: SESClient | undefined;
function sesClient(): SESClient {
  client ??= new SESClient({ maxAttempts: 3 });
  return client;
}

/**
 * Sends through SES (SendRawEmail) the same MIME message the local outbox writes, so what is tested
 * locally is byte for byte what approvers get. `Source` is the sender, which the function's IAM
 * policy pins with `ses:FromAddress`.
 */
export class SesMailSender implements MailSender {
  constructor(
    private readonly from: string,
    private readonly ses: Pick<SESClient, 'send'> = sesClient(),
  ) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const { raw } = buildMimeMessage(mail, { from: this.from });
    const result = await this.ses.send(
      new SendRawEmailCommand({ Source: this.from, Destinations: [mail.to], RawMessage: { Data: Buffer.from(raw, 'utf8') } }),
    );
    return { messageId: result.MessageId ?? '' };
  }

  /** The account's sending rate in this region (emails a second): 1 in the SES sandbox. */
  async maxSendRate(): Promise<number> {
    const quota = await this.ses.send(new GetSendQuotaCommand({}));
    return quota.MaxSendRate ?? 1;
  }
}
