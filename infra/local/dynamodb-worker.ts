/**
 * The local DynamoDB's worker thread: dynalite servers, their LevelDB and their HTTP ports, on a
 * core of their own. It starts and closes servers as the main thread asks (a test process may start
 * several local stacks one after another, and loads dynalite here once); a server closes once the
 * requests in flight are answered.
 */
import { parentPort } from 'node:worker_threads';
import { listenDynalite, type DynaliteServer } from './dynalite-server.ts';
import type { FromDynamoWorker, ToDynamoWorker } from './dynamodb-worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('infra/local/dynamodb-worker.ts runs as a worker thread (see startLocalDynamo)');
const answer = (message: FromDynamoWorker) => port.postMessage(message);
const servers = new Map<number, DynaliteServer>();

port.on('message', async (message: ToDynamoWorker) => {
  if (message.kind === 'start') {
    try {
      const server = await listenDynalite(message.path ? { path: message.path } : {});
      servers.set(message.id, server);
      answer({ kind: 'started', id: message.id, endpoint: server.endpoint });
    } catch (error) {
      answer({ kind: 'failed', id: message.id, message: (error as Error).message });
    }
    return;
  }
  const server = servers.get(message.id);
  servers.delete(message.id);
  await server?.close();
  answer({ kind: 'closed', id: message.id });
});
