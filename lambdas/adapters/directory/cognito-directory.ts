import type { AttributeType, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { onFirstUse } from '../aws/on-first-use.ts';
import type { Contact, Directory, Person } from '../../channels/directory.ts';

/** The custom attribute that links a Cognito user to their Slack member id. */
export const SLACK_USER_ID_ATTRIBUTE = 'custom:slack_user_id';
/** Groups and members are read in pages; this caps one lookup (60 per page → 600 people). */
const MAX_PAGES = 10;

/** The Cognito SDK and the one client of the process, loaded on first use: most requests never look anyone up. */
const cognitoSdk = onFirstUse(() => import('@aws-sdk/client-cognito-identity-provider'));
const cognitoClient = onFirstUse(async () => new (await cognitoSdk()).CognitoIdentityProviderClient({ maxAttempts: 3 }));

function contactOf(username: string, attributes: AttributeType[] = []): Contact {
  const value = (name: string) => attributes.find((attribute) => attribute.Name === name)?.Value;
  const email = value('email');
  const verified = value('email_verified');
  const name = value('name');
  const slackUserId = value(SLACK_USER_ID_ATTRIBUTE);
  return {
    userId: username,
    // An unverified address may not be the approver's: decision links are not sent there.
    ...(email && verified !== 'false' ? { email } : {}),
    ...(name ? { name } : {}),
    ...(slackUserId ? { slackUserId } : {}),
  };
}

function isUserNotFound(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'UserNotFoundException';
}

/**
 * The directory on AWS: the Cognito user pool approvers sign in with. Users are their Cognito
 * usernames (the `cognito:username` claim the API sees), groups are Cognito groups, and
 * `custom:slack_user_id` links a Slack member. Needs cognito-idp:ListUsersInGroup, AdminGetUser and
 * AdminListGroupsForUser on the pool.
 */
export class CognitoDirectory implements Directory {
  constructor(
    private readonly userPoolId: string,
    private readonly cognito?: Pick<CognitoIdentityProviderClient, 'send'>,
  ) {}

  private async sdk() {
    const { AdminGetUserCommand, AdminListGroupsForUserCommand, ListUsersInGroupCommand } = await cognitoSdk();
    return { cognito: this.cognito ?? (await cognitoClient()), AdminGetUserCommand, AdminListGroupsForUserCommand, ListUsersInGroupCommand };
  }

  async person(userId: string): Promise<Person | undefined> {
    const { cognito, AdminGetUserCommand, AdminListGroupsForUserCommand } = await this.sdk();
    try {
      const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: userId }));
      if (user.Enabled === false) return undefined;
      const groups: string[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await cognito.send(
          new AdminListGroupsForUserCommand({ UserPoolId: this.userPoolId, Username: userId, Limit: 60, NextToken: nextToken }),
        );
        groups.push(...(result.Groups ?? []).flatMap((group) => (group.GroupName ? [group.GroupName] : [])));
        nextToken = result.NextToken;
        if (!nextToken) break;
      }
      return { ...contactOf(user.Username ?? userId, user.UserAttributes), groups };
    } catch (error) {
      if (isUserNotFound(error)) return undefined;
      throw error;
    }
  }

  async membersOf(group: string): Promise<Contact[]> {
    const { cognito, ListUsersInGroupCommand } = await this.sdk();
    const members: Contact[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      try {
        const result = await cognito.send(
          new ListUsersInGroupCommand({ UserPoolId: this.userPoolId, GroupName: group, Limit: 60, NextToken: nextToken }),
        );
        for (const user of result.Users ?? []) {
          if (user.Enabled !== false && user.Username) members.push(contactOf(user.Username, user.Attributes));
        }
        nextToken = result.NextToken;
      } catch (error) {
        // A HITL config may name a group nobody created yet: it simply has no members.
        if ((error as { name?: string } | null)?.name === 'ResourceNotFoundException') return members;
        throw error;
      }
      if (!nextToken) break;
    }
    return members;
  }
}
