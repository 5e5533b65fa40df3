import type { SESClient } from '@aws-sdk/client-ses';
import { onFirstUse } from '../aws/on-first-use.ts';
import type { MailSender, OutgoingMail } from './mail-sender.ts';
import { buildMimeMessage } from './mime.ts';

/** The SES SDK and the one client of the process, loaded on first use, not at every cold start. */
const sesSdk = onFirstUse(() => import('@aws-sdk/client-ses'));
const sesClient = onFirstUse(async () => new (await sesSdk()).SESClient({ maxAttempts: 3 }));

/**
 * Sends through SES (SendRawEmail) the same MIME message the local outbox writes, so what is tested
 * locally is byte for byte what approvers get. `Source` is the sender, which the function's IAM
 * policy pins with `ses:FromAddress`.
 */
export class SesMailSender implements MailSender {
  constructor(
    private readonly from: string,
    private readonly ses?: Pick<SESClient, 'send'>,
  ) {}

  private async client(): Promise<Pick<SESClient, 'send'>> {
    return this.ses ?? sesClient();
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const { raw } = buildMimeMessage(mail, { from: this.from });
    const { SendRawEmailCommand } = await sesSdk();
    const result = await (await this.client()).send(
      new SendRawEmailCommand({ Source: this.from, Destinations: [mail.to], RawMessage: { Data: Buffer.from(raw, 'utf8') } }),
    );
    return { messageId: result.MessageId ?? '' };
  }

  /** The account's sending rate in this region (emails a second): 1 in the SES sandbox. */
  async maxSendRate(): Promise<number> {
    const { GetSendQuotaCommand } = await sesSdk();
    const quota = await (await this.client()).send(new GetSendQuotaCommand({}));
    return quota.MaxSendRate ?? 1;
  }
}
