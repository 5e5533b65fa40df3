import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#adapters/dynamodb/client';
import { TTL_ATTRIBUTE } from '#adapters/dynamodb/table';
import type { LinkNonces } from './link-nonces.ts';

/** Key builders for used-link items in the single table. */
export const linkKeys = { pk: (nonce: string) => `LINK#${nonce}`, sk: 'USED' };

const conditions = { doesNotExist: 'attribute_not_exists(pk)' };

/** LinkNonces on the approvals table: one item per used link, written with a conditional put, gone by TTL. */
export class DynamoLinkNonces implements LinkNonces {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async isUsed(nonce: string): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: linkKeys.pk(nonce), sk: linkKeys.sk }, ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  async claim(nonce: string, detail: { requestId: string; approver: string; decision: string; at: Date; keepUntil: Date }): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: linkKeys.pk(nonce),
            sk: linkKeys.sk,
            entity: 'link',
            requestId: detail.requestId,
            approver: detail.approver,
            decision: detail.decision,
            usedAt: detail.at.toISOString(),
            [TTL_ATTRIBUTE]: Math.ceil(detail.keepUntil.getTime() / 1000),
          },
          ConditionExpression: conditions.doesNotExist,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async release(nonce: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: linkKeys.pk(nonce), sk: linkKeys.sk } }));
  }
}
