import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a delivery's timestamp may be from now: older ones are refused as replays. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

type Headers = Record<string, string | string[] | undefined> | { get(name: string): string | null };

function headerOf(headers: Headers, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Whether a decision delivery comes from the API: `X-Hitl-Signature` is `v1=` and the hex
 * HMAC-SHA256 of `<X-Hitl-Timestamp>.<raw body>` under the webhook signing secret, and the
 * timestamp is within five minutes of `now`. Pass the body exactly as received, before parsing.
 */
export function verifyWebhook(secret: string, headers: Headers, rawBody: string, now: Date = new Date()): boolean {
  const timestampText = headerOf(headers, 'x-hitl-timestamp') ?? '';
  const signature = headerOf(headers, 'x-hitl-signature') ?? '';
  if (!/^\d{1,12}$/.test(timestampText)) return false;
  const timestamp = Number(timestampText);
  if (Math.abs(now.getTime() / 1000 - timestamp) > WEBHOOK_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
