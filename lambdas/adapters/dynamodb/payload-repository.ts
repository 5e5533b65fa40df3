import { createHash } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PayloadUnavailableError } from '#core/flow-errors';
import { PAYLOAD_REF_KIND, type PayloadRef } from '#core/payload-ref';
import type { Clock, PayloadStore } from '#ports';
import { TTL_ATTRIBUTE } from './table.ts';

/**
 * Key builders for stored payloads: one partition per execution and text (its SHA-256), one item per
 * chunk. The execution is part of the key, so a reference only ever reads its own execution's texts.
 */
export const payloadKeys = {
  prefix: 'PAYLOAD#',
  pk: (executionId: string, sha256: string) => `PAYLOAD#${executionId}#${sha256}`,
  sk: (index: number) => `CHUNK#${String(index).padStart(4, '0')}`,
};

/** Bytes per chunk item: with its keys and attributes, an item stays well under DynamoDB's 400 KB. */
export const PAYLOAD_CHUNK_BYTES = 350_000;

/** Kept as long as tool-run records: longer than the longest execution (a year) and its approvals' reading. */
const RETENTION_SECONDS = 400 * 86_400;

/**
 * DynamoDB implementation of PayloadStore. A text is written as chunks of its UTF-8 bytes (binary
 * attributes) under a key derived from its hash, with plain puts: writing the same text again, as a
 * retried step does, overwrites the same items with the same bytes. The reference is handed out only
 * after every chunk is written, so nobody reads a text half stored.
 */
export class PayloadRepository implements PayloadStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async put(executionId: string, text: string): Promise<PayloadRef> {
    const data = Buffer.from(text, 'utf8');
    const sha256 = createHash('sha256').update(data).digest('hex');
    const chunks = chunkCount(data.length);
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + RETENTION_SECONDS;
    for (let index = 0; index < chunks; index++) {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: payloadKeys.pk(executionId, sha256),
            sk: payloadKeys.sk(index),
            entity: 'payload',
            executionId,
            chunks,
            data: data.subarray(index * PAYLOAD_CHUNK_BYTES, (index + 1) * PAYLOAD_CHUNK_BYTES),
            [TTL_ATTRIBUTE]: expiresAt,
          },
        }),
      );
    }
    return { $ref: PAYLOAD_REF_KIND, sha256, bytes: data.length };
  }

  async get(executionId: string, ref: PayloadRef): Promise<string> {
    const parts: Buffer[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': payloadKeys.pk(executionId, ref.sha256) },
          ProjectionExpression: 'sk, #data',
          ExpressionAttributeNames: { '#data': 'data' },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) parts.push(Buffer.from(item.data as Uint8Array));
      start = page.LastEvaluatedKey;
    } while (start);
    const data = Buffer.concat(parts);
    const unavailable = (why: string) => new PayloadUnavailableError(`stored value ${ref.sha256} of execution ${executionId} ${why}`);
    if (parts.length === 0) throw unavailable('is gone (past its retention, or never stored)');
    if (parts.length !== chunkCount(ref.bytes) || data.length !== ref.bytes) throw unavailable(`has ${data.length} of its ${ref.bytes} bytes`);
    if (createHash('sha256').update(data).digest('hex') !== ref.sha256) throw unavailable('does not match its hash');
    return data.toString('utf8');
  }
}

function chunkCount(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / PAYLOAD_CHUNK_BYTES));
}
