import type { AddressInfo } from 'node:net';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTable } from '#local/dynamodb';

// A dynalite that turns a new table ACTIVE only after 300 ms: what a busy process does to the timer
// of one that is told 0 ms.
const server = dynalite({ createTableMs: 300 });
const endpoint = await new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const clientConfig = { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the local table at start', () => {
  it('is ready for reads when ensureTable returns, however late dynalite turns it ACTIVE', async () => {
    // Act
    await ensureTable(clientConfig, 'approvals');

    // Assess: the first read a module makes at start finds the table.
    const client = new DynamoDBClient(clientConfig);
    const result = await client.send(new QueryCommand({ TableName: 'approvals', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'TOOL' } } }));
    client.destroy();
    expect(result.Items).toEqual([]);
  });

  it('finds a table that exists and leaves it as it is', async () => {
    await ensureTable(clientConfig, 'approvals');
    await expect(ensureTable(clientConfig, 'approvals')).resolves.toBeUndefined();
  });
});
