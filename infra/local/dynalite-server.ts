import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { letDynaliteCloseItsIterators } from './level-iterators.ts';

/** A dynalite server listening on a free loopback port. */
export interface DynaliteServer {
  readonly endpoint: string;
  /** Stops taking requests and resolves once those in flight are answered. */
  close(): Promise<void>;
}

/**
 * Starts dynalite on 127.0.0.1, on disk under `path` or in memory, in the calling thread: the local
 * DynamoDB's worker thread runs this, and so does the main thread when DynamoDB stays in it.
 */
export async function listenDynalite(options: { path?: string } = {}): Promise<DynaliteServer> {
  // Loaded here, not with the module: dynalite and LevelDB load only into the thread that serves them.
  const { default: dynalite } = await import('dynalite');
  letDynaliteCloseItsIterators();
  const server = dynalite({ ...(options.path ? { path: options.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // Node closes idle keep-alive sockets after 5 s by default. The SDK client of the local stack keeps
  // up to 50 of them and may reuse one the moment the server drops it: a burst after a lull then
  // failed gates with ECONNRESET. The only clients are in this process, so idle sockets may stay open.
  (server as { keepAliveTimeout?: number }).keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => closeWhenAnswered(server) };
}

function closeWhenAnswered(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
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
  });
}
