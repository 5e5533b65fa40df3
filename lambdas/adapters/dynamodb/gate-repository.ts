import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '#core/errors';
import type { GateRevision } from '#core/gate';
import type { GateStore } from '#ports';
import { isConditionFailure } from './client.ts';
import { INDEXES } from './table.ts';

/**
 * Key builders for gates. A gate's partition holds its revisions (`REV#000001`, ...); the newest is
 * the current one. Every revision is also in the `GATES` partition of the timeline index, so the
 * gates are one Query away.
 */
export const gateKeys = {
  pk: (gateId: string) => `GATE#${gateId}`,
  revision: (revision: number) => `REV#${String(revision).padStart(6, '0')}`,
  revisionPrefix: 'REV#',
  listed: (gateId: string, revision: number) => ({ gsi4pk: 'GATES', gsi4sk: `${gateId}#${String(revision).padStart(6, '0')}` }),
};

const conditions = { doesNotExist: 'attribute_not_exists(pk)' };
/** The attributes of a gate revision item (listed through the timeline index). */
export const GATE_REVISION_FIELDS = ['gateId', 'revision', 'gate', 'source', 'savedBy', 'savedAt', 'fileDigest'] as const;
const FIELDS = GATE_REVISION_FIELDS;

function toRevision(item: Record<string, unknown>): GateRevision {
  const picked: Record<string, unknown> = {};
  for (const field of FIELDS) if (item[field] !== undefined) picked[field] = item[field];
  return picked as GateRevision;
}

/** DynamoDB implementation of GateStore. */
export class GateRepository implements GateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async current(gateId: string): Promise<GateRevision | undefined> {
    return (await this.revisions(gateId, 1))[0];
  }

  async listRevisions(gateId: string): Promise<GateRevision[]> {
    return this.revisions(gateId, 100);
  }

  private async revisions(gateId: string, limit: number): Promise<GateRevision[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': gateKeys.pk(gateId), ':prefix': gateKeys.revisionPrefix },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map(toRevision);
  }

  async listCurrent(): Promise<GateRevision[]> {
    const newest = new Map<string, GateRevision>();
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEXES.timeline.name,
          KeyConditionExpression: 'gsi4pk = :pk',
          ExpressionAttributeValues: { ':pk': 'GATES' },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      // Sorted by gate, then revision: the last one seen per gate is its newest.
      for (const item of result.Items ?? []) newest.set(String(item.gateId), toRevision(item));
      start = result.LastEvaluatedKey;
    } while (start);
    return [...newest.values()];
  }

  async add(revision: GateRevision): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: gateKeys.pk(revision.gateId),
            sk: gateKeys.revision(revision.revision),
            entity: 'gate_revision',
            ...revision,
            ...gateKeys.listed(revision.gateId, revision.revision),
          },
          ConditionExpression: conditions.doesNotExist,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConcurrentUpdateError(`gate ${revision.gateId} already has a revision ${revision.revision}: someone saved first; reload and save again`, { cause: error });
      }
      throw error;
    }
  }
}
