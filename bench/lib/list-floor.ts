import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { INDEXES } from '#adapters/dynamodb/table';

/**
 * The floor of list pending: an HTTP server on the loopback that answers every GET with one Query
 * page of 50 on the pending index, newest first, as JSON. No routing, auth, validation or mapping:
 * what any list route must at least do.
 */
export async function startListFloor(db: DynamoDBDocumentClient, tableName: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INDEXES.pending.name,
        KeyConditionExpression: `${INDEXES.pending.pk} = :pk`,
        ExpressionAttributeValues: { ':pk': 'PENDING' },
        ScanIndexForward: false,
        Limit: 50,
      }),
    ).then(
      (page) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ items: page.Items ?? [] }));
      },
      (error: Error) => {
        res.writeHead(500);
        res.end(error.message);
      },
    );
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
