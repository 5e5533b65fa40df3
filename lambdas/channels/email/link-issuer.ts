import { randomBytes } from 'node:crypto';
import type { ApprovalRequest } from '#core/request';
import type { Clock } from '#ports';
import type { SecretSource } from '../secrets/secret-source.ts';
import { signLinkToken, type LinkDecision } from './link-token.ts';

export interface DecisionLinks {
  readonly approve: string;
  readonly reject: string;
  /** When both links stop working (the request's due time). */
  readonly expiresAt: Date;
}

/** Where decision links and the dashboard live. */
export interface LinkIssuerDeps {
  readonly secret: SecretSource;
  /** The API's base URL without a trailing slash (local server, or the API Gateway stage URL). */
  readonly baseUrl: () => string;
  readonly clock: Clock;
}

/** The path of a link page; the same path serves the confirmation (GET) and the decision (POST). */
export function linkPath(token: string): string {
  return `/links/${token}`;
}

/** The dashboard's URL, opened on one request. */
export function dashboardUrl(baseUrl: string, requestId?: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${requestId ? `?request=${encodeURIComponent(requestId)}` : ''}`;
}

/**
 * Issues an approver's approve and reject links for a request: each signed, single use (its own
 * nonce), and valid until the request's current due time, so an escalated request's old links die
 * with their level.
 */
export async function issueDecisionLinks(deps: LinkIssuerDeps, request: ApprovalRequest, approver: string): Promise<DecisionLinks> {
  const secret = await deps.secret();
  const expiresAt = new Date(request.dueAt);
  const base = deps.baseUrl().replace(/\/+$/, '');
  const link = (decision: LinkDecision) =>
    base +
    linkPath(
      signLinkToken(secret, {
        requestId: request.id,
        decision,
        approver,
        nonce: randomBytes(16).toString('base64url'),
        expiresAt: Math.floor(expiresAt.getTime() / 1000),
      }),
    );
  return { approve: link('approve'), reject: link('reject'), expiresAt };
}
