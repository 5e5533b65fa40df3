import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { tableDefinition } from '#adapters/dynamodb/index-projections';
import { letDynaliteCloseItsIterators } from './level-iterators.ts';

export interface LocalDynamo {
  readonly endpoint: string;
  readonly clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  close(): Promise<void>;
}

/**
 * A DynamoDB-compatible server in this process (dynalite). With `path` its data lives on disk and
 * survives restarts; without, it is in memory.
 */
export async function startLocalDynamo(options: { path?: string } = {}): Promise<LocalDynamo> {
  if (options.path) mkdirSync(options.path, { recursive: true });
  letDynaliteCloseItsIterators();
  const server = dynalite({ ...(options.path ? { path: options.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // Node closes idle keep-alive sockets after 5 s by default. The SDK client in this process keeps up
  // to 50 of them and may reuse one the moment the server drops it: a burst after a lull then failed
  // gates with ECONNRESET. The only client is in-process, so idle sockets may stay open.
  (server as { keepAliveTimeout?: number }).keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    // dynalite checks no signatures; the SDK still wants credentials to sign with.
    clientConfig: { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
    close: () =>
      new Promise<void>((resolve) => {
        // Idle keep-alive sockets would hold close() open. Only idle ones are closed, and again as
        // in-flight requests finish: cutting a request mid-operation lets dynalite touch its database
        // after closing it, which throws outside any caller.
        const idle = () => (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        const sweeper = setInterval(idle, 20);
        server.close(() => {
          clearInterval(sweeper);
          resolve();
        });
        idle();
      }),
  };
}

/** Creates the approvals table unless it exists (a restarted local server keeps its data). */
export async function ensureTable(clientConfig: LocalDynamo['clientConfig'], tableName: string): Promise<void> {
  const client = new DynamoDBClient(clientConfig);
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
    // dynalite reports CREATING but serves the table from the next tick on.
    await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    client.destroy();
  }
}
