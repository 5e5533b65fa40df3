import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { ensureTable, startLocalDynamo, type LocalDynamo } from '#local/dynamodb';

interface LevelIterator {
  _close(): Promise<void>;
}

// The on-disk database dynalite opens (classic-level, behind `level`): every iterator it opens and closes.
const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const { ClassicLevel } = createRequire(fromDynalite.resolve('level'))('classic-level') as { ClassicLevel: { prototype: { _iterator(options: unknown): LevelIterator } } };
const counts = { opened: 0, closed: 0 };
const openIterator = ClassicLevel.prototype._iterator;
ClassicLevel.prototype._iterator = function (this: unknown, options: unknown) {
  const iterator = openIterator.call(this, options);
  counts.opened++;
  const close = iterator._close.bind(iterator);
  iterator._close = async () => {
    counts.closed++;
    await close();
  };
  return iterator;
};

const TABLE = 'iterators';
let dynamo: LocalDynamo;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hitl-iterators-'));
  dynamo = await startLocalDynamo({ path: dataDir });
  await ensureTable(dynamo.clientConfig, TABLE);
});

afterAll(async () => {
  await dynamo.close();
  ClassicLevel.prototype._iterator = openIterator;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local DynamoDB on disk', () => {
  it('closes the LevelDB iterator of every Query and Scan, read to the end or cut short by a limit', async () => {
    const db = createDocumentClient(dynamo.clientConfig);
    for (let i = 0; i < 5; i++) await db.send(new PutCommand({ TableName: TABLE, Item: { pk: 'P', sk: `S#${i}` } }));
    const before = { ...counts };
    for (let i = 0; i < 10; i++) {
      await db.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'P' }, Limit: 1, ScanIndexForward: false }));
      await db.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'P' } }));
      await db.send(new ScanCommand({ TableName: TABLE }));
    }
    db.destroy();
    // An open iterator pins LevelDB's memtable and its table files: each left open keeps garbage alive.
    const deadline = Date.now() + 10_000;
    while (counts.closed - before.closed < counts.opened - before.opened && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(counts.opened - before.opened).toBeGreaterThanOrEqual(30);
    expect(counts.closed - before.closed).toBe(counts.opened - before.opened);
  });
});
