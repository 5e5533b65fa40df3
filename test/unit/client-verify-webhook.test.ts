import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '@hitl-approvals/client';
import { signWebhook } from '#core/webhook-signature';

const SECRET = 'webhook-signing-secret-0123456789';
const NOW = new Date('2026-12-01T12:00:00Z');
const SECONDS = NOW.getTime() / 1000;
const BODY = '{"id":"r-1","status":"approved","decision":{"outcome":"approved","approver":"bob"}}';

function signedHeaders(timestamp: number, body = BODY) {
  return { 'x-hitl-timestamp': String(timestamp), 'x-hitl-signature': signWebhook(SECRET, timestamp, body) };
}

describe("the client's verifyWebhook against the server's signer", () => {
  it('accepts what the server signed, with headers in any case or as a Headers object', () => {
    const headers = signedHeaders(SECONDS - 10);
    expect(verifyWebhook(SECRET, headers, BODY, NOW)).toBe(true);
    expect(verifyWebhook(SECRET, { 'X-Hitl-Timestamp': headers['x-hitl-timestamp'], 'X-Hitl-Signature': headers['x-hitl-signature'] }, BODY, NOW)).toBe(true);
    expect(verifyWebhook(SECRET, new Headers(headers), BODY, NOW)).toBe(true);
  });

  it('refuses a changed body, another secret, or a signature of another length', () => {
    const headers = signedHeaders(SECONDS);
    expect(verifyWebhook(SECRET, headers, BODY.replace('approved', 'rejected'), NOW)).toBe(false);
    expect(verifyWebhook('another-secret-0123456789', headers, BODY, NOW)).toBe(false);
    expect(verifyWebhook(SECRET, { ...headers, 'x-hitl-signature': headers['x-hitl-signature'].slice(0, -1) }, BODY, NOW)).toBe(false);
    expect(verifyWebhook(SECRET, { 'x-hitl-timestamp': String(SECONDS) }, BODY, NOW)).toBe(false);
  });

  it('refuses a timestamp more than five minutes away, or one that is not a number', () => {
    expect(verifyWebhook(SECRET, signedHeaders(SECONDS - 300), BODY, NOW)).toBe(true);
    expect(verifyWebhook(SECRET, signedHeaders(SECONDS - 301), BODY, NOW)).toBe(false);
    expect(verifyWebhook(SECRET, signedHeaders(SECONDS + 301), BODY, NOW)).toBe(false);
    const headers = signedHeaders(SECONDS);
    expect(verifyWebhook(SECRET, { ...headers, 'x-hitl-timestamp': `${SECONDS}.0` }, BODY, NOW)).toBe(false);
  });
});
