import type { APIGatewayProxyEvent } from 'aws-lambda';
import { UnauthenticatedError } from '#core/errors';
import type { Identity } from '#core/identity';

/** Cognito puts groups in `cognito:groups`, as "a,b" or "[a b]" depending on the integration. */
function parseGroups(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String).filter(Boolean);
  if (typeof raw !== 'string') return [];
  return raw
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((group) => group.trim())
    .filter(Boolean);
}

/**
 * The caller as the API Gateway authorizer vouches for them. Locally the HTTP server fills the same
 * claims from the x-user / x-groups headers, so this code path is the same in both.
 */
export function identityOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): Identity {
  const claims = (event.requestContext?.authorizer?.claims ?? {}) as Record<string, unknown>;
  const userId = claims['cognito:username'] ?? claims.username ?? claims.sub;
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 128) {
    throw new UnauthenticatedError('sign in first: this API needs an authenticated caller');
  }
  return { userId, groups: parseGroups(claims['cognito:groups']).slice(0, 100) };
}
