import { describe, expect, it } from 'vitest';
import { signLinkToken, verifyLinkToken, type LinkClaims } from '../../lambdas/channels/email/link-token.ts';
import { ExpiredLinkError, InvalidLinkError } from '../../lambdas/channels/errors.ts';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const now = new Date('2026-11-25T10:00:00Z');
const claims: LinkClaims = {
  requestId: 'apr_abcdefghijklmnopqrstuvwxyz',
  decision: 'approve',
  approver: 'bob',
  nonce: 'nonce-0123456789abcdef',
  expiresAt: Math.floor(now.getTime() / 1000) + 600,
};

function statusOf(action: () => unknown): number | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return (error as InvalidLinkError).status;
  }
}

describe('decision link tokens', () => {
  it('round-trips the claims and keeps the decision readable', () => {
    // Act
    const token = signLinkToken(SECRET, claims);
    // Assess
    expect(token.startsWith('approve.')).toBe(true);
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(verifyLinkToken(SECRET, token, now)).toEqual(claims);
  });

  it('refuses a changed signature, payload or decision with 403', () => {
    const token = signLinkToken(SECRET, claims);
    const [decision, payload, signature] = token.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ r: claims.requestId, a: 'eve', n: claims.nonce, e: claims.expiresAt })).toString('base64url');
    expect(statusOf(() => verifyLinkToken(SECRET, `${decision}.${payload}.${signature.slice(0, -2)}xx`, now))).toBe(403);
    expect(statusOf(() => verifyLinkToken(SECRET, `${decision}.${otherPayload}.${signature}`, now))).toBe(403);
    expect(statusOf(() => verifyLinkToken(SECRET, `reject.${payload}.${signature}`, now))).toBe(403);
    expect(statusOf(() => verifyLinkToken('another-secret-entirely-0123456789abcdef', token, now))).toBe(403);
  });

  it('refuses the same signature bytes in another encoding', () => {
    // Prepare: 32 MAC bytes take 43 base64url characters, whose last one carries 2 unused low bits;
    // setting one gives another string that decodes to the very same bytes.
    const token = signLinkToken(SECRET, claims);
    const [decision, payload, signature] = token.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const variant = `${signature.slice(0, -1)}${alphabet[alphabet.indexOf(signature.at(-1)!) ^ 1]}`;
    expect(variant).not.toBe(signature);
    expect(Buffer.from(variant, 'base64url').equals(Buffer.from(signature, 'base64url'))).toBe(true);
    // Act and Assess
    expect(statusOf(() => verifyLinkToken(SECRET, `${decision}.${payload}.${variant}`, now))).toBe(403);
    expect(verifyLinkToken(SECRET, token, now)).toEqual(claims);
  });

  it('refuses malformed tokens with 400', () => {
    expect(statusOf(() => verifyLinkToken(SECRET, 'approve.only-two', now))).toBe(400);
    expect(statusOf(() => verifyLinkToken(SECRET, 'a.b.c.d', now))).toBe(400);
    expect(statusOf(() => verifyLinkToken(SECRET, 'approve.pay load.sig', now))).toBe(400);
    expect(statusOf(() => verifyLinkToken(SECRET, 'x'.repeat(5000), now))).toBe(400);
  });

  it('refuses an expired token with 410', () => {
    const token = signLinkToken(SECRET, claims);
    const later = new Date(claims.expiresAt * 1000);
    expect(() => verifyLinkToken(SECRET, token, later)).toThrow(ExpiredLinkError);
    expect(statusOf(() => verifyLinkToken(SECRET, token, later))).toBe(410);
  });
});
