import { z } from 'zod';
import type { MailSender, OutgoingMail } from '#adapters/mail/mail-sender';
import { parseConfig } from '#core/validation';

/**
 * Faults local mode can be started with, so a fault test hits a crash window every time instead of by
 * timing. Read once from the environment when the server starts; nothing on AWS reads them.
 */
const LocalFaultsSchema = z.object({
  /**
   * `1`: send_email's provider (the outbox) accepts each mail, then the tool never returns, so the
   * window between the effect and the record of it stays open until the process is killed.
   */
  HITL_FAULT_STALL_AFTER_MAIL_SENT: z.enum(['0', '1']).default('0'),
});

export interface LocalFaults {
  readonly stallAfterMailSent: boolean;
}

export function localFaultsFrom(env: NodeJS.ProcessEnv): LocalFaults {
  const parsed = parseConfig(LocalFaultsSchema, env, 'local fault settings');
  return { stallAfterMailSent: parsed.HITL_FAULT_STALL_AFTER_MAIL_SENT === '1' };
}

/** The tools' mail sender with the configured faults; the sender itself when there are none. */
export function withMailFaults(mail: MailSender, faults: LocalFaults): MailSender {
  if (!faults.stallAfterMailSent) return mail;
  console.warn('faults: send_email stalls after each mail is sent (HITL_FAULT_STALL_AFTER_MAIL_SENT=1)');
  return {
    async send(message: OutgoingMail) {
      await mail.send(message);
      return new Promise<never>(() => undefined);
    },
  };
}
