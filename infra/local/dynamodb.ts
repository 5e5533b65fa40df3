import { mkdirSync } from 'node:fs';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '#adapters/dynamodb/index-projections';
import type { DynamoThread } from './config.ts';
import { listenDynalite } from './dynalite-server.ts';
import { listenInWorker } from './dynamodb-thread.ts';

export interface LocalDynamo {
  readonly endpoint: string;
  readonly clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Stops taking requests and resolves once those in flight are answered and the data folder is let go. */
  close(): Promise<void>;
}

/**
 * A DynamoDB-compatible server (dynalite) in this process, on a free loopback port. With `path` its
 * data lives on disk and survives restarts, a `kill -9` included (each write reaches the file before
 * it is answered); without, it is in memory. `thread` says where it runs (see `DynamoThread`), the
 * calling thread unless it says `worker`; in the worker thread it still dies with the process.
 */
export async function startLocalDynamo(options: { path?: string; thread?: DynamoThread } = {}): Promise<LocalDynamo> {
  if (options.path) mkdirSync(options.path, { recursive: true });
  const server = options.thread === 'worker' ? await listenInWorker(options.path) : await listenDynalite(options.path ? { path: options.path } : {});
  return {
    endpoint: server.endpoint,
    // dynalite checks no signatures; the SDK still wants credentials to sign with.
    clientConfig: { endpoint: server.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
    close: () => server.close(),
  };
}

/** Creates the approvals table unless it exists (a restarted local server keeps its data). */
export async function ensureTable(clientConfig: LocalDynamo['clientConfig'], tableName: string): Promise<void> {
  const client = new DynamoDBClient(clientConfig);
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName })).catch(async (error: Error) => {
      if (error.name !== 'ResourceNotFoundException') throw error;
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
    });
    // dynalite answers CreateTable with CREATING and turns the table ACTIVE on a timer, which a busy
    // process may run late: until then the table's reads fail with ResourceNotFoundException.
    await untilActive(client, tableName);
  } finally {
    client.destroy();
  }
}

async function untilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
