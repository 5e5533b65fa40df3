import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYLOAD_CHUNK_BYTES, payloadKeys, PayloadRepository } from '#adapters/dynamodb/payload-repository';

import { startLocalTable, type LocalTable } from '../support/local-table.ts';

let table: LocalTable;
let payloads: PayloadRepository;
const NOW = new Date('2026-12-05T03:00:00Z');
beforeAll(async () => {
  table = await startLocalTable();
  payloads = new PayloadRepository(table.db, table.tableName, { now: () => NOW });
});
afterAll(async () => table.close());

// Multi-byte characters straddle chunk boundaries: chunks split bytes, never characters' meaning.
const LARGE = `${'é'.repeat(300_000)}${'x'.repeat(200_000)}🙂 end`;

describe('stored payloads on DynamoDB (dynalite)', () => {
  it('stores a text above the item limit in chunks under its hash, each under 400 KB, with a TTL, and reads it back whole', async () => {
    const ref = await payloads.put('exec-a', LARGE);
    const items = await table.db.send(new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': payloadKeys.pk('exec-a', ref.sha256) } }));
    expect(ref).toMatchObject({ $ref: 'hitl:payload', bytes: Buffer.byteLength(LARGE) });
    expect(items.Items!.map((item) => item.sk)).toEqual(['CHUNK#0000', 'CHUNK#0001', 'CHUNK#0002']); // 800,000 bytes and a few
    expect(items.Items!.every((item) => (item.data as Uint8Array).length <= PAYLOAD_CHUNK_BYTES)).toBe(true);
    expect(items.Items![0]!.expiresAt).toBe(Math.floor(NOW.getTime() / 1000) + 400 * 86_400);
    expect(await payloads.get('exec-a', ref)).toBe(LARGE);
  });

  it('writes the same text to the same items again, adding none', async () => {
    const first = await payloads.put('exec-b', LARGE);
    const second = await payloads.put('exec-b', LARGE);
    const items = await table.db.send(new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': payloadKeys.pk('exec-b', first.sha256) } }));
    expect(second).toEqual(first);
    expect(items.Items).toHaveLength(3);
  });

  it("reads a reference only within its own execution", async () => {
    const ref = await payloads.put('exec-c', 'kept for exec-c');
    await expect(payloads.get('exec-other', ref)).rejects.toMatchObject({ name: 'Hitl.PayloadUnavailable' });
  });

  it('refuses a text whose stored bytes no longer match its hash', async () => {
    const ref = await payloads.put('exec-d', 'original text');
    const key = { pk: payloadKeys.pk('exec-d', ref.sha256), sk: payloadKeys.sk(0) };
    await table.db.send(new UpdateCommand({ TableName: table.tableName, Key: key, UpdateExpression: 'SET #data = :data', ExpressionAttributeNames: { '#data': 'data' }, ExpressionAttributeValues: { ':data': Buffer.from('altered text!') } }));
    expect((await table.db.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item).toBeDefined();
    await expect(payloads.get('exec-d', ref)).rejects.toMatchObject({ name: 'Hitl.PayloadUnavailable', message: expect.stringContaining('does not match') });
  });
});
