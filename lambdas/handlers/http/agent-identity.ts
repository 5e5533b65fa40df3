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
 * The OAuth scope (resource server `hitl`, scope `agents`) an app client needs for the agent routes
 * with Cognito client credentials; API Gateway's Cognito authorizer checks it on those routes.
 */
export const AGENT_SCOPE = 'hitl/agents';

/** The pseudo-group of app clients whose access token (client credentials grant) carries `AGENT_SCOPE`. */
export const AGENT_CLIENTS_GROUP = 'agent-clients';

/** Pseudo-groups only this code grants; a Cognito group of the same name counts for nothing here. */
const MACHINE_GROUPS = [IAM_CALLERS_GROUP, AGENT_CLIENTS_GROUP];

/**
 * The caller of an agent-facing route: a machine principal signed with IAM (its ARN is the id), an
 * app client with a client-credentials access token (`cognito-client:<client id>`), or a user the
 * Cognito authorizer (locally the x-user / x-groups headers) vouches for.
 */
export function callerIdentityOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): Identity {
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  const arn = event.requestContext?.identity?.userArn;
  if (!claims && typeof arn === 'string' && arn.startsWith('arn:')) {
    const principal = principalOf(arn);
    if (principal.length <= 128) return { userId: principal, groups: [IAM_CALLERS_GROUP] };
  }
  const client = claims ? appClientOf(claims) : undefined;
  if (client) return client;
  const person = identityOf(event);
  return { ...person, groups: person.groups.filter((group) => !MACHINE_GROUPS.includes(group)) };
}

/**
 * An app client signed in with the client credentials grant: its access token names the client
 * (`client_id`) and no user. The client id is the agent, so every token of one client is one agent;
 * only a token with `AGENT_SCOPE` makes it one that may ask gates.
 */
export function appClientOf(claims: Record<string, unknown>): Identity | undefined {
  const clientId = claims.client_id;
  if (claims.token_use !== 'access' || typeof clientId !== 'string' || !/^[\w+]{1,128}$/.test(clientId)) return undefined;
  if (claims.username !== undefined || claims['cognito:username'] !== undefined) return undefined;
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  return { userId: `cognito-client:${clientId}`, groups: scopes.includes(AGENT_SCOPE) ? [AGENT_CLIENTS_GROUP] : [] };
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

/** Only machine principals ask gates: members of an agent group, IAM-signed callers, or app clients with the agents scope. */
export function assertAgent(identity: Identity, agentGroups: readonly string[]): void {
  if (identity.groups.some((group) => MACHINE_GROUPS.includes(group) || agentGroups.includes(group))) return;
  throw new ForbiddenError(`only agents (members of ${agentGroups.join(' or ')}, IAM-signed callers, or app clients with the ${AGENT_SCOPE} scope) may ask a gate for a decision`);
}
