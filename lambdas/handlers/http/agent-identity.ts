import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ForbiddenError } from '#core/errors';
import type { Identity } from '#core/identity';
import { identityOf } from './identity.ts';

/**
 * The pseudo-group of callers that API Gateway let in by their IAM signature (SigV4): only a
 * principal whose IAM policy allows `execute-api:Invoke` on the agent routes gets that far.
 */
export const IAM_CALLERS_GROUP = 'iam';

/**
 * The caller of an agent-facing route: a machine principal signed with IAM (its ARN is the id), or a
 * user or client the Cognito authorizer (locally the x-user / x-groups headers) vouches for.
 */
export function callerIdentityOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): Identity {
  const claims = event.requestContext?.authorizer?.claims;
  const arn = event.requestContext?.identity?.userArn;
  if (!claims && typeof arn === 'string' && arn.startsWith('arn:')) {
    const principal = principalOf(arn);
    if (principal.length <= 128) return { userId: principal, groups: [IAM_CALLERS_GROUP] };
  }
  return identityOf(event);
}

/**
 * An assumed role's sessions are one agent: `arn:aws:sts::1234:assumed-role/refund-bot/session-42`
 * is `arn:aws:sts::1234:assumed-role/refund-bot`, so a new session still reads its earlier requests
 * and repeats its idempotency keys. Users and roles are their ARN.
 */
export function principalOf(arn: string): string {
  const match = /^(arn:[^:]+:sts::\d+:assumed-role\/[^/]+)\/.+$/.exec(arn);
  return match ? match[1] : arn;
}

/** Only machine principals ask gates: members of an agent group, or IAM-signed callers. */
export function assertAgent(identity: Identity, agentGroups: readonly string[]): void {
  if (identity.groups.some((group) => group === IAM_CALLERS_GROUP || agentGroups.includes(group))) return;
  throw new ForbiddenError(`only agents (members of ${agentGroups.join(' or ')}, or IAM-signed callers) may ask a gate for a decision`);
}
