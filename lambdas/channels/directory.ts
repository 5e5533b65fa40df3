import type { Approvers } from '#core/hitl-config';
import { isBarredRequester } from '#core/authorization';
import { approversAtLevel } from '#core/hitl-config';
import type { ApprovalRequest } from '#core/request';

/** How to reach one person: what notifications need. */
export interface Contact {
  readonly userId: string;
  readonly name?: string;
  readonly email?: string;
  /** The Slack member id (`U…`) that clicks in Slack are mapped back from. */
  readonly slackUserId?: string;
}

/** A person with the groups they belong to now: what deciding on their behalf needs. */
export interface Person extends Contact {
  readonly groups: string[];
}

/**
 * Who the users and groups of a HITL config are. Locally a JSON file, on AWS the Cognito user pool
 * that also signs approvers in, so a link or a Slack click decides as the same person with the same
 * groups as a signed-in API call would.
 */
export interface Directory {
  /** The person, or undefined when unknown or disabled. */
  person(userId: string): Promise<Person | undefined>;
  /** The enabled members of a group (empty for an unknown group). */
  membersOf(group: string): Promise<Contact[]>;
}

/** Everyone `approvers` names, users and group members, each once; unknown users are skipped. */
export async function contactsOf(directory: Directory, approvers: Approvers): Promise<Contact[]> {
  const byId = new Map<string, Contact>();
  for (const group of approvers.groups) {
    for (const member of await directory.membersOf(group)) if (!byId.has(member.userId)) byId.set(member.userId, member);
  }
  for (const userId of approvers.users) {
    if (byId.has(userId)) continue;
    const person = await directory.person(userId);
    if (person) byId.set(userId, person);
  }
  return [...byId.values()];
}

/**
 * The people who should be asked to decide `request` now: the approvers of its current level, except
 * the user who started the execution (unless the node allows self-approval), who could not decide it.
 */
export async function recipientsOf(directory: Directory, request: ApprovalRequest): Promise<Contact[]> {
  const approvers = await contactsOf(directory, approversAtLevel(request.hitl, request.level));
  return approvers.filter((contact) => !isBarredRequester(contact.userId, request));
}

/**
 * Everyone who may decide `request` now (every level up to the current one, as assertMayDecide
 * allows), so a Slack click can be matched to a person without a reverse index of Slack ids.
 */
export async function candidatesOf(directory: Directory, request: ApprovalRequest): Promise<Contact[]> {
  const users = new Set<string>();
  const groups = new Set<string>();
  for (let level = 0; level <= request.level; level++) {
    const approvers = approversAtLevel(request.hitl, level);
    approvers.users.forEach((user) => users.add(user));
    approvers.groups.forEach((group) => groups.add(group));
  }
  return contactsOf(directory, { users: [...users], groups: [...groups] });
}
