import { describe, expect, it } from 'vitest';
import { AdminGetUserCommand, AdminListGroupsForUserCommand, ListUsersInGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoDirectory } from '#adapters/directory/cognito-directory';
import { LocalDirectory } from '#adapters/directory/local-directory';
import { DEFAULT_DIRECTORY_FILE } from '#local/channels-module';
import { candidatesOf, contactsOf } from '../../lambdas/channels/directory.ts';
import { hitl } from '../support/fixtures.ts';

describe('local directory', () => {
  it('ships the demo people, with acceptance-approver among the approvers', async () => {
    // Prepare
    const directory = LocalDirectory.fromFile(DEFAULT_DIRECTORY_FILE);
    // Act
    const approvers = await directory.membersOf('approvers');
    // Assess
    expect(approvers.map((p) => p.userId).sort()).toEqual(['acceptance-approver', 'bob', 'erin']);
    expect(await directory.person('dana')).toMatchObject({ email: 'dana@example.com', groups: ['finance'] });
    expect(await directory.person('nobody')).toBeUndefined();
    expect(await directory.membersOf('no-such-group')).toEqual([]);
  });

  it('names every problem of a bad file at once', () => {
    expect(
      () => new LocalDirectory({ people: [{ userId: 'a', email: 'not-an-email' }, { userId: 'a', slackUserId: 'nope' }] } as never),
    ).toThrow(/people\.0\.email.*people\.1\.slackUserId|people\.1\.slackUserId.*people\.0\.email/);
  });

  it('leaves disabled people out', async () => {
    const directory = new LocalDirectory({ people: [{ userId: 'gone', groups: ['approvers'], disabled: true }] });
    expect(await directory.membersOf('approvers')).toEqual([]);
    expect(await directory.person('gone')).toBeUndefined();
  });
});

describe('approver contacts', () => {
  const directory = new LocalDirectory({
    people: [
      { userId: 'bob', email: 'bob@example.com', groups: ['approvers'] },
      { userId: 'dana', email: 'dana@example.com', groups: ['finance'] },
    ],
  });

  it('lists named users and group members once each, skipping unknown users', async () => {
    const contacts = await contactsOf(directory, { users: ['bob', 'ghost'], groups: ['approvers'] });
    expect(contacts.map((c) => c.userId)).toEqual(['bob']);
  });

  it('takes every level up to the current one as candidates', async () => {
    const config = hitl({ onTimeout: 'escalate', escalation: [{ approvers: { users: [], groups: ['finance'] }, timeoutSeconds: 60 }] });
    const base = { hitl: config } as never as Parameters<typeof candidatesOf>[1];
    expect((await candidatesOf(directory, { ...base, level: 0 })).map((c) => c.userId)).toEqual(['bob']);
    expect((await candidatesOf(directory, { ...base, level: 1 })).map((c) => c.userId)).toEqual(['bob', 'dana']);
  });
});

describe('Cognito directory', () => {
  /** A Cognito stand-in answering the three calls the directory makes. */
  function fakeCognito() {
    const calls: string[] = [];
    const send = async (command: unknown): Promise<unknown> => {
      if (command instanceof ListUsersInGroupCommand) {
        calls.push(`list:${command.input.NextToken ?? ''}`);
        if (!command.input.NextToken) {
          return {
            Users: [
              { Username: 'bob', Enabled: true, Attributes: [{ Name: 'email', Value: 'bob@example.com' }, { Name: 'custom:slack_user_id', Value: 'U0BOB00001' }] },
              { Username: 'off', Enabled: false, Attributes: [{ Name: 'email', Value: 'off@example.com' }] },
            ],
            NextToken: 'page-2',
          };
        }
        return { Users: [{ Username: 'carol', Enabled: true, Attributes: [{ Name: 'email', Value: 'carol@example.com' }, { Name: 'email_verified', Value: 'false' }] }] };
      }
      if (command instanceof AdminGetUserCommand) {
        if (command.input.Username === 'ghost') throw Object.assign(new Error('no such user'), { name: 'UserNotFoundException' });
        return { Username: command.input.Username, Enabled: true, UserAttributes: [{ Name: 'name', Value: 'Bob Baker' }] };
      }
      if (command instanceof AdminListGroupsForUserCommand) return { Groups: [{ GroupName: 'approvers' }] };
      throw new Error('unexpected command');
    };
    return { calls, client: { send } as never };
  }

  it('pages through group members, skips disabled users and unverified addresses', async () => {
    // Prepare
    const cognito = fakeCognito();
    const directory = new CognitoDirectory('us-east-1_Test', cognito.client);
    // Act
    const members = await directory.membersOf('approvers');
    // Assess
    expect(cognito.calls).toEqual(['list:', 'list:page-2']);
    expect(members).toEqual([{ userId: 'bob', email: 'bob@example.com', slackUserId: 'U0BOB00001' }, { userId: 'carol' }]);
  });

  it('returns a person with their groups, and nobody for an unknown user', async () => {
    const directory = new CognitoDirectory('us-east-1_Test', fakeCognito().client);
    expect(await directory.person('bob')).toEqual({ userId: 'bob', name: 'Bob Baker', groups: ['approvers'] });
    expect(await directory.person('ghost')).toBeUndefined();
  });
});
