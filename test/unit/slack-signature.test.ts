import { describe, expect, it } from 'vitest';
import { SlackSignatureError } from '../../lambdas/channels/errors.ts';
import { slackSignature, verifySlackRequest } from '../../lambdas/channels/slack/signature.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const now = new Date('2026-11-25T10:00:00Z');
const timestamp = String(Math.floor(now.getTime() / 1000));
const rawBody = 'payload=%7B%22type%22%3A%22block_actions%22%7D';

describe('Slack request signatures', () => {
  it('computes the v0 signature as Slack documents it', () => {
    // Slack's own example (api.slack.com "Verifying requests from Slack").
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature(SECRET, '1531420618', body)).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });

  it('accepts a correctly signed, fresh request', () => {
    expect(() => verifySlackRequest(SECRET, { timestamp, signature: slackSignature(SECRET, timestamp, rawBody), rawBody }, now)).not.toThrow();
  });

  it('refuses a wrong signature, a changed body and missing headers', () => {
    const signature = slackSignature(SECRET, timestamp, rawBody);
    expect(() => verifySlackRequest(SECRET, { timestamp, signature: slackSignature('another-signing-secret', timestamp, rawBody), rawBody }, now)).toThrow(SlackSignatureError);
    expect(() => verifySlackRequest(SECRET, { timestamp, signature, rawBody: `${rawBody}x` }, now)).toThrow('bad Slack signature');
    expect(() => verifySlackRequest(SECRET, { timestamp, signature: 'v0=short', rawBody }, now)).toThrow('bad Slack signature');
    expect(() => verifySlackRequest(SECRET, { timestamp: undefined, signature, rawBody }, now)).toThrow('missing');
  });

  it('refuses a request more than five minutes old, even if signed', () => {
    const stale = String(Number(timestamp) - 301);
    expect(() => verifySlackRequest(SECRET, { timestamp: stale, signature: slackSignature(SECRET, stale, rawBody), rawBody }, now)).toThrow('stale');
  });
});
