import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { REQUEST_ID_PATTERN } from '#core/request-id';
import { ExpiredLinkError, InvalidLinkError } from '../errors.ts';

export const LinkDecisionSchema = z.enum(['approve', 'reject']);
export type LinkDecision = z.infer<typeof LinkDecisionSchema>;

/** What a decision link vouches for. */
export interface LinkClaims {
  readonly requestId: string;
  readonly decision: LinkDecision;
  /** The user the link was sent to; the decision is theirs. */
  readonly approver: string;
  /** Single use: recorded when the link is used. */
  readonly nonce: string;
  /** Epoch seconds; never later than the request's due time. */
  readonly expiresAt: number;
}

const PayloadSchema = z
  .object({
    r: z.string().regex(REQUEST_ID_PATTERN),
    a: z.string().min(1).max(128),
    n: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
    e: z.number().int().positive(),
  })
  .strict();

const VERSION = 'v1';
const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** Tokens longer than this were not made here; refusing them early bounds the work an attacker can cause. */
const MAX_TOKEN_CHARS = 1_024;

function signature(secret: string, decision: string, payload: string): string {
  return createHmac('sha256', secret).update(`${VERSION}.${decision}.${payload}`).digest('base64url');
}

/**
 * Signs `claims` into a URL-safe token `<decision>.<payload>.<signature>`: the decision stays readable
 * in the URL ("…/links/approve.eyJy…"), and the HMAC-SHA256 covers the decision and the payload.
 */
export function signLinkToken(secret: string, claims: LinkClaims): string {
  const payload = Buffer.from(
    JSON.stringify({ r: claims.requestId, a: claims.approver, n: claims.nonce, e: claims.expiresAt }),
  ).toString('base64url');
  return `${claims.decision}.${payload}.${signature(secret, claims.decision, payload)}`;
}

/**
 * The claims of a token we signed. Throws InvalidLinkError (400 for a malformed token, 403 for a bad
 * signature) or ExpiredLinkError. The signature is compared as the exact string we would produce, in
 * constant time, so no variant encoding of the same bytes passes either.
 */
export function verifyLinkToken(secret: string, token: string, now: Date): LinkClaims {
  const parts = token.length <= MAX_TOKEN_CHARS ? token.split('.') : [];
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) {
    throw new InvalidLinkError('This link is not valid: it is incomplete or malformed.', 400);
  }
  const [decision, payload, given] = parts;
  const expected = Buffer.from(signature(secret, decision, payload));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new InvalidLinkError();

  const parsedDecision = LinkDecisionSchema.safeParse(decision);
  let body: z.infer<typeof PayloadSchema>;
  try {
    body = PayloadSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch (error) {
    // Signed by us but unreadable: a bug or a rotated format, not an attack; still not usable.
    throw new InvalidLinkError('This link is not valid: its content cannot be read.', 400);
  }
  if (!parsedDecision.success) throw new InvalidLinkError('This link is not valid: unknown decision.', 400);
  if (body.e * 1000 <= now.getTime()) throw new ExpiredLinkError();
  return { requestId: body.r, decision: parsedDecision.data, approver: body.a, nonce: body.n, expiresAt: body.e };
}
