import * as z from 'zod';
import type { MailSender } from '#adapters/mail/mail-sender';
import type { ToolDefinition } from './tool.ts';

export const SendEmailArgsSchema = z
  .object({
    to: z.email().max(254).describe('The recipient address'),
    subject: z.string().trim().min(1).max(200).describe('Subject line'),
    body: z.string().trim().min(1).max(20_000).describe('Plain-text message body'),
  })
  .strict();
export type SendEmailArgs = z.infer<typeof SendEmailArgsSchema>;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The HTML part mirrors the text: one paragraph per blank-line-separated block. */
function toHtml(text: string): string {
  const paragraphs = text.split(/\n{2,}/).map((block) => `<p>${escapeHtml(block).replace(/\n/g, '<br>')}</p>`);
  return `<!doctype html><html><body>${paragraphs.join('')}</body></html>`;
}

/**
 * `send_email`: sends one plain email through the MailSender (SES on AWS, the outbox folder locally).
 * It has a side effect, so flows gate it; the tool-run record makes a retried call send nothing twice.
 */
export function createSendEmailTool(mail: MailSender): ToolDefinition<SendEmailArgs> {
  return {
    name: 'send_email',
    description: 'Sends an email to one recipient. Use it only when the user asked for an email.',
    input: SendEmailArgsSchema,
    readOnly: false,
    // Neither SES nor an SMTP server dedupes on our key: a re-run would send the mail again.
    delivery: 'at_most_once',
    run: async (args, context) => {
      const { messageId } = await mail.send({
        to: args.to,
        subject: args.subject,
        text: args.body,
        html: toHtml(args.body),
        headers: { 'X-Hitl-Execution-Id': context.executionId, 'X-Hitl-Idempotency-Key': context.idempotencyKey },
      });
      return { sent: true, to: args.to, subject: args.subject, messageId };
    },
  };
}
