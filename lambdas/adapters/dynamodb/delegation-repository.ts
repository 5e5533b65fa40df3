import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isActiveAt, type Delegation } from '#core/delegation';
import type { Delegations } from '#ports';
import { INDEXES, TTL_ATTRIBUTE } from './table.ts';

/** Ended windows are kept this long for reading back, then DynamoDB TTL removes them. */
const KEEP_AFTER_END_SECONDS = 30 * 86_400;

/**
 * Key builders for delegations. One item per delegating person, so setting or ending one is a single
 * write with nothing to leave half done; it is also listed in the timeline index under its delegate,
 * sorted by end time, so the decide check finds a delegate's unexpired delegations with one Query.
 */
export const delegationKeys = {
  pk: (userId: string) => `DELEG#${userId}`,
  sk: 'META',
  byDelegate: (delegation: Pick<Delegation, 'delegate' | 'until' | 'userId'>) => ({
    gsi4pk: `DELEGATE#${delegation.delegate}`,
    gsi4sk: `${delegation.until}#${delegation.userId}`,
  }),
};

/** The attributes of a delegation item (found by delegate through the timeline index). */
export const DELEGATION_FIELDS = ['userId', 'delegate', 'from', 'until', 'setBy', 'setAt'] as const;
const FIELDS = DELEGATION_FIELDS;

function toDomain(item: Record<string, unknown>): Delegation {
  const delegation: Record<string, unknown> = {};
  for (const field of FIELDS) delegation[field] = item[field];
  return delegation as Delegation;
}

/** DynamoDB implementation of Delegations. */
export class DelegationRepository implements Delegations {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(delegation: Delegation): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: delegationKeys.pk(delegation.userId),
          sk: delegationKeys.sk,
          entity: 'delegation',
          ...delegation,
          ...delegationKeys.byDelegate(delegation),
          [TTL_ATTRIBUTE]: Math.floor(Date.parse(delegation.until) / 1000) + KEEP_AFTER_END_SECONDS,
        },
      }),
    );
  }

  async get(userId: string): Promise<Delegation | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: delegationKeys.pk(userId), sk: delegationKeys.sk }, ConsistentRead: true }),
    );
    return result.Item ? toDomain(result.Item) : undefined;
  }

  async remove(userId: string): Promise<Delegation | undefined> {
    const result = await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: delegationKeys.pk(userId), sk: delegationKeys.sk }, ReturnValues: 'ALL_OLD' }),
    );
    return result.Attributes ? toDomain(result.Attributes) : undefined;
  }

  async activeFor(delegate: string, now: Date): Promise<Delegation[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEXES.timeline.name,
        KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk > :now',
        ExpressionAttributeValues: { ':pk': `DELEGATE#${delegate}`, ':now': now.toISOString() },
        Limit: 100,
      }),
    );
    const candidates = (result.Items ?? []).map(toDomain).filter((delegation) => isActiveAt(delegation, now));
    // The index is eventually consistent: a delegation just ended or handed to someone else must not
    // still count, so each match is confirmed by a consistent read of the item itself.
    const confirmed = await Promise.all(candidates.map((candidate) => this.get(candidate.userId)));
    return confirmed.filter((delegation): delegation is Delegation => delegation !== undefined && delegation.delegate === delegate && isActiveAt(delegation, now));
  }
}
