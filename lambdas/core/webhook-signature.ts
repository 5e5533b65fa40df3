import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a signed decision delivery. */
export const SIGNATURE_HEADER = 'x-hitl-signature';
export const TIMESTAMP_HEADER = 'x-hitl-timestamp';

/**
 * `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the Slack/Stripe scheme: the timestamp (Unix seconds)
 * is signed with the body, so a receiver that refuses old timestamps refuses replays.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A receiver's check: the signature matches and the timestamp is at most `toleranceSeconds` away from `now`. */
export function verifyWebhook(secret: string, headers: { timestamp: string; signature: string }, body: string, now: Date, toleranceSeconds = 300): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
