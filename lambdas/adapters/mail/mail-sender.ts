/** One email: a plain-text part and an HTML part (multipart/alternative). */
export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Extra headers, e.g. `X-Hitl-Request-Id`; names must be `X-` headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends email: SES on AWS, an outbox folder of `.eml` files locally, a list in memory in tests. */
export interface MailSender {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}
