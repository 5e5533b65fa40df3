import { createHmac, timingSafeEqual } from 'node:crypto';
import { SlackSignatureError } from '../errors.ts';

/** Slack's own advice: refuse requests older than five minutes, so a captured request cannot be replayed later. */
export const MAX_SLACK_REQUEST_AGE_SECONDS = 5 * 60;

/** The `x-slack-signature` Slack sends for `rawBody` at `timestamp` (epoch seconds): `v0=` + hex HMAC-SHA256. */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export interface SignedSlackRequest {
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  /** The body exactly as received: the signature covers its bytes, not a parsed form. */
  readonly rawBody: string;
}

/**
 * Throws SlackSignatureError unless the request was signed with `signingSecret` within the last five
 * minutes (either direction, for clock skew). The comparison is constant-time.
 */
export function verifySlackRequest(signingSecret: string, request: SignedSlackRequest, now: Date): void {
  const { timestamp, signature, rawBody } = request;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) throw new SlackSignatureError('missing Slack signature headers');
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_SLACK_REQUEST_AGE_SECONDS) {
    throw new SlackSignatureError('stale Slack request: timestamp more than 5 minutes away');
  }
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, rawBody));
  const actual = Buffer.from(signature);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new SlackSignatureError('bad Slack signature');
}
