import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError, NotFoundError } from '#core/errors';
import type { FlowDeployment, FlowHead, FlowRevision } from '#core/flow-revision';
import type { Page } from '#ports';
import type { AslDefinition } from '#statemachines/definitions';
import type { FlowStore } from '#usecases/flow-editor-ports';
import { isConditionFailure } from './client.ts';
import type { CursorShape } from './cursor.ts';
import { queryPage } from './query-page.ts';
import { INDEXES } from './table.ts';

/**
 * Key builders for flows. A flow's partition holds its head (`HEAD`: newest revision, deployment) and
 * its revisions (`REV#000001`, ...), so a flow's history is one Query. Heads are also listed in the
 * `FLOWS` partition of the timeline index, by flow id, for GET /flows.
 */
export const flowKeys = {
  pk: (flowId: string) => `FLOW#${flowId}`,
  head: 'HEAD',
  revision: (revision: number) => `REV#${String(revision).padStart(6, '0')}`,
  revisionPrefix: 'REV#',
  listed: (flowId: string) => ({ gsi4pk: 'FLOWS', gsi4sk: flowId }),
};

/** Named conditions, so each write says what it relies on. */
const conditions = {
  doesNotExist: 'attribute_not_exists(pk)',
  exists: 'attribute_exists(pk)',
  /** A head moves forward only: a first revision creates it, later ones must be newer. */
  isNewFlowOrOlderThan: 'attribute_not_exists(pk) OR currentRevision < :revision',
  /** A deploy records itself only over the deployment it started from. */
  isDeployedAt: 'deployed.revision = :expected',
  isUndeployed: 'attribute_not_exists(deployed)',
};

/** The attributes of a flow head item. */
export const HEAD_FIELDS = ['flowId', 'name', 'channel', 'currentRevision', 'updatedAt', 'updatedBy', 'deployed', 'shippedDigest'] as const;
const REVISION_FIELDS = ['flowId', 'revision', 'flow', 'source', 'savedBy', 'savedAt', 'basedOn', 'diff', 'mcpTools'] as const;

function pick<T>(item: Record<string, unknown>, fields: readonly string[]): T {
  const picked: Record<string, unknown> = {};
  for (const field of fields) if (item[field] !== undefined) picked[field] = item[field];
  return picked as T;
}

const toHead = (item: Record<string, unknown>) => pick<FlowHead>(item, HEAD_FIELDS);
const toRevision = (item: Record<string, unknown>) => pick<FlowRevision>(item, REVISION_FIELDS);

const HEADS_CURSOR: CursorShape = { keys: ['pk', 'sk', 'gsi4pk', 'gsi4sk'], partition: { attribute: 'gsi4pk', value: 'FLOWS' } };
const revisionsCursor = (flowId: string): CursorShape => ({ keys: ['pk', 'sk'], partition: { attribute: 'pk', value: flowKeys.pk(flowId) } });

/** DynamoDB implementation of FlowStore. */
export class FlowRepository implements FlowStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async head(flowId: string): Promise<FlowHead | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: flowKeys.pk(flowId), sk: flowKeys.head }, ConsistentRead: true }));
    return result.Item ? toHead(result.Item) : undefined;
  }

  async listHeads(page: { readonly limit: number; readonly cursor?: string }): Promise<Page<FlowHead>> {
    return queryPage(
      this.db,
      {
        TableName: this.tableName,
        IndexName: INDEXES.timeline.name,
        KeyConditionExpression: 'gsi4pk = :pk',
        ExpressionAttributeValues: { ':pk': 'FLOWS' },
      },
      page,
      HEADS_CURSOR,
      toHead,
    );
  }

  async getRevision(flowId: string, revision: number): Promise<FlowRevision | undefined> {
    const result = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: flowKeys.pk(flowId), sk: flowKeys.revision(revision) },
        ConsistentRead: true,
        ProjectionExpression: REVISION_FIELDS.map((_, i) => `#f${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(REVISION_FIELDS.map((field, i) => [`#f${i}`, field])),
      }),
    );
    return result.Item ? toRevision(result.Item) : undefined;
  }

  async listRevisions(flowId: string, page: { readonly limit: number; readonly cursor?: string }): Promise<Page<FlowRevision>> {
    return queryPage(
      this.db,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': flowKeys.pk(flowId), ':prefix': flowKeys.revisionPrefix },
        // The stored definitions stay behind: a page of history needs only who changed what.
        ProjectionExpression: ['pk', 'sk', ...REVISION_FIELDS].map((_, i) => `#f${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(['pk', 'sk', ...REVISION_FIELDS].map((field, i) => [`#f${i}`, field])),
        ScanIndexForward: false,
      },
      page,
      revisionsCursor(flowId),
      toRevision,
    );
  }

  async addRevision(revision: FlowRevision, options: { readonly shippedDigest?: string } = {}): Promise<FlowHead> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: flowKeys.pk(revision.flowId), sk: flowKeys.revision(revision.revision), entity: 'flow_revision', ...revision },
          ConditionExpression: conditions.doesNotExist,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConcurrentUpdateError(`flow ${revision.flowId} already has a revision ${revision.revision}: someone saved first; reload and save again`, { cause: error });
      }
      throw error;
    }
    const listed = flowKeys.listed(revision.flowId);
    const set = [
      'entity = :entity', 'flowId = :flowId', '#name = :name', 'channel = :channel', 'currentRevision = :revision',
      'updatedAt = :at', 'updatedBy = :by', 'gsi4pk = :gsi4pk', 'gsi4sk = :gsi4sk',
      ...(options.shippedDigest ? ['shippedDigest = :digest'] : []),
    ];
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: flowKeys.pk(revision.flowId), sk: flowKeys.head },
          UpdateExpression: `SET ${set.join(', ')}`,
          ConditionExpression: conditions.isNewFlowOrOlderThan,
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: {
            ':entity': 'flow',
            ':flowId': revision.flowId,
            ':name': revision.flow.name,
            ':channel': revision.flow.channel,
            ':revision': revision.revision,
            ':at': revision.savedAt,
            ':by': revision.savedBy,
            ':gsi4pk': listed.gsi4pk,
            ':gsi4sk': listed.gsi4sk,
            ...(options.shippedDigest ? { ':digest': options.shippedDigest } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toHead(result.Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentUpdateError(`flow ${revision.flowId} has moved past revision ${revision.revision}`, { cause: error });
      throw error;
    }
  }

  async storeDefinition(flowId: string, revision: number, definition: AslDefinition): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: flowKeys.pk(flowId), sk: flowKeys.revision(revision) },
          // As JSON text: a definition is read back whole, never queried into.
          UpdateExpression: 'SET #definition = :definition',
          ConditionExpression: conditions.exists,
          ExpressionAttributeNames: { '#definition': 'definition' },
          ExpressionAttributeValues: { ':definition': JSON.stringify(definition) },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`flow ${flowId} has no revision ${revision}`, { cause: error });
      throw error;
    }
  }

  async definitionOf(flowId: string, revision: number): Promise<AslDefinition | undefined> {
    const result = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: flowKeys.pk(flowId), sk: flowKeys.revision(revision) },
        ConsistentRead: true,
        ProjectionExpression: '#definition',
        ExpressionAttributeNames: { '#definition': 'definition' },
      }),
    );
    const text = result.Item?.definition;
    return typeof text === 'string' ? (JSON.parse(text) as AslDefinition) : undefined;
  }

  async markDeployed(flowId: string, deployment: FlowDeployment, expectedRevision?: number | null): Promise<FlowHead> {
    if (expectedRevision === undefined) return this.updateHead(flowId, 'SET deployed = :deployment', { ':deployment': deployment });
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: flowKeys.pk(flowId), sk: flowKeys.head },
          UpdateExpression: 'SET deployed = :deployment',
          ConditionExpression: expectedRevision === null ? `${conditions.exists} AND ${conditions.isUndeployed}` : `${conditions.exists} AND ${conditions.isDeployedAt}`,
          ExpressionAttributeValues: { ':deployment': deployment, ...(expectedRevision === null ? {} : { ':expected': expectedRevision }) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toHead(result.Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConcurrentUpdateError(`flow ${flowId} was deployed by someone else meanwhile (expected revision ${expectedRevision ?? 'none'} to be deployed)`, { cause: error });
      }
      throw error;
    }
  }

  async setShippedDigest(flowId: string, digest: string): Promise<void> {
    await this.updateHead(flowId, 'SET shippedDigest = :digest', { ':digest': digest });
  }

  private async updateHead(flowId: string, update: string, values: Record<string, unknown>): Promise<FlowHead> {
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: flowKeys.pk(flowId), sk: flowKeys.head },
          UpdateExpression: update,
          ConditionExpression: conditions.exists,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toHead(result.Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`flow ${flowId} not found`, { cause: error });
      throw error;
    }
  }
}
