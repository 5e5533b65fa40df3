import { z } from 'zod';
import type { MailSender, OutgoingMail } from '#adapters/mail/mail-sender';
import type { PayloadStore } from '#ports';
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
  /**
   * `1`: the flow steps store their first large value, then never return, so the window between that
   * write and the step's end (a tool-run record, the state it returns) stays open until the kill.
   */
  HITL_FAULT_STALL_AFTER_PAYLOAD_WRITE: z.enum(['0', '1']).default('0'),
});

export interface LocalFaults {
  readonly stallAfterMailSent: boolean;
  readonly stallAfterPayloadWrite?: boolean;
}

export function localFaultsFrom(env: NodeJS.ProcessEnv): LocalFaults {
  const parsed = parseConfig(LocalFaultsSchema, env, 'local fault settings');
  return { stallAfterMailSent: parsed.HITL_FAULT_STALL_AFTER_MAIL_SENT === '1', stallAfterPayloadWrite: parsed.HITL_FAULT_STALL_AFTER_PAYLOAD_WRITE === '1' };
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

/** The flow steps' payload store with the configured faults; the store itself when there are none. */
export function withPayloadFaults(payloads: PayloadStore, faults: LocalFaults): PayloadStore {
  if (!faults.stallAfterPayloadWrite) return payloads;
  console.warn('faults: flow steps stall after storing a large value (HITL_FAULT_STALL_AFTER_PAYLOAD_WRITE=1)');
  return {
    get: (executionId, ref) => payloads.get(executionId, ref),
    async put(executionId, text) {
      const ref = await payloads.put(executionId, text);
      console.warn(`faults: stored ${ref.bytes} bytes for ${executionId}; stalling`);
      return new Promise<never>(() => undefined);
    },
  };
}
