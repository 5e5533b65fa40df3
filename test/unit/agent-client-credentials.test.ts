import { describe, expect, it } from 'vitest';
import { AGENT_CLIENTS_GROUP, AGENT_SCOPE, assertAgent, callerIdentityOf } from '../../lambdas/handlers/http/agent-identity.ts';

const event = (claims: Record<string, string>) => ({ requestContext: { identity: { userArn: null }, authorizer: { claims } } }) as never;

/** The claims API Gateway's Cognito authorizer passes for a client-credentials access token. */
const clientToken = (scope: string) => ({ sub: '4l7rq3vchk1oa0ggdk1example', client_id: '4l7rq3vchk1oa0ggdk1example', token_use: 'access', scope });

describe('app clients with Cognito client credentials', () => {
  it('are one agent per client id, allowed to ask gates with the agents scope', () => {
    // Act
    const client = callerIdentityOf(event(clientToken(AGENT_SCOPE)));

    // Assess
    expect(client).toEqual({ userId: 'cognito-client:4l7rq3vchk1oa0ggdk1example', groups: [AGENT_CLIENTS_GROUP] });
    expect(() => assertAgent(client, ['agents'])).not.toThrow();
  });

  it('may not ask gates without the agents scope', () => {
    // Act
    const client = callerIdentityOf(event(clientToken('hitl/other')));

    // Assess
    expect(client.groups).toEqual([]);
    expect(() => assertAgent(client, ['agents'])).toThrow(/only agents/);
  });

  it('are never a person: a user\'s token, or a Cognito group named like the pseudo-group, does not make an agent', () => {
    // Act
    const userAccessToken = callerIdentityOf(event({ ...clientToken(AGENT_SCOPE), username: 'bob' }));
    const idToken = callerIdentityOf(event({ 'cognito:username': 'mallory', 'cognito:groups': `${AGENT_CLIENTS_GROUP},iam`, token_use: 'id' }));

    // Assess
    expect(userAccessToken).toEqual({ userId: 'bob', groups: [] });
    expect(idToken).toEqual({ userId: 'mallory', groups: [] });
    expect(() => assertAgent(userAccessToken, ['agents'])).toThrow(/only agents/);
    expect(() => assertAgent(idToken, ['agents'])).toThrow(/only agents/);
  });
});
