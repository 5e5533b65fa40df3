/**
 * The local DynamoDB's worker thread: dynalite, its LevelDB and its HTTP server, on a core of their
 * own. It tells the main thread its endpoint once it listens, and closes when the main thread asks,
 * after answering the requests in flight; the thread then ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { listenDynalite } from './dynalite-server.ts';
import { type DynamoWorkerData, type DynamoWorkerMessage, CLOSE_DYNAMO_WORKER } from './dynamodb-worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('infra/local/dynamodb-worker.ts runs as a worker thread (see startLocalDynamo)');
const server = await listenDynalite(workerData as DynamoWorkerData);
port.on('message', async (message: unknown) => {
  if (message !== CLOSE_DYNAMO_WORKER) return;
  await server.close();
  // The port is the last handle: closing it lets the thread end.
  port.close();
});
port.postMessage({ endpoint: server.endpoint } satisfies DynamoWorkerMessage);
