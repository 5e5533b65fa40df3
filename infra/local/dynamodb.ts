import { mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '#adapters/dynamodb/index-projections';
import type { DynamoThread } from './config.ts';
import { listenDynalite, type DynaliteServer } from './dynalite-server.ts';
import { CLOSE_DYNAMO_WORKER, type DynamoWorkerData, type DynamoWorkerMessage } from './dynamodb-worker-protocol.ts';
import { dynamoWorkerScript } from './dynamodb-worker-script.ts';

export interface LocalDynamo {
  readonly endpoint: string;
  readonly clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Stops taking requests and resolves once those in flight are answered (and the worker thread, if any, has ended). */
  close(): Promise<void>;
}

/**
 * A DynamoDB-compatible server (dynalite) in this process, on a free loopback port. With `path` its
 * data lives on disk and survives restarts, a `kill -9` included (each write reaches the file before
 * it is answered); without, it is in memory. In a worker thread it still dies with the process.
 */
export async function startLocalDynamo(options: { path?: string; thread?: DynamoThread } = {}): Promise<LocalDynamo> {
  if (options.path) mkdirSync(options.path, { recursive: true });
  const data: DynamoWorkerData = options.path ? { path: options.path } : {};
  const server = options.thread === 'worker' ? await listenInWorker(data) : await listenDynalite(data);
  return {
    endpoint: server.endpoint,
    // dynalite checks no signatures; the SDK still wants credentials to sign with.
    clientConfig: { endpoint: server.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
    close: () => server.close(),
  };
}

/**
 * Starts dynalite in a worker thread and resolves with its endpoint once it listens. The worker is
 * as much a part of the process as dynalite in the main thread was: an error in it, or its end
 * before `close()`, is thrown in the main thread and ends the process.
 */
async function listenInWorker(data: DynamoWorkerData): Promise<DynaliteServer> {
  const worker = new Worker(await dynamoWorkerScript(), { workerData: data });
  let closing = false;
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    worker.once('message', (message: DynamoWorkerMessage) => resolve(message.endpoint));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the local DynamoDB's worker thread ended with code ${code} before it listened`)));
  });
  worker.removeAllListeners('error').removeAllListeners('message');
  worker.on('error', (error) => {
    throw new Error(`the local DynamoDB's worker thread failed: ${error.message}`, { cause: error });
  });
  void ended.then(() => {
    if (!closing) throw new Error("the local DynamoDB's worker thread ended while the local stack still used it");
  });
  return {
    endpoint,
    close: async () => {
      closing = true;
      worker.postMessage(CLOSE_DYNAMO_WORKER);
      await ended;
    },
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
