import { Worker } from 'node:worker_threads';
import type { DynaliteServer } from './dynalite-server.ts';
import type { FromDynamoWorker, ToDynamoWorker } from './dynamodb-worker-protocol.ts';
import { dynamoWorkerScript } from './dynamodb-worker-script.ts';

/**
 * The worker thread the local DynamoDB runs in, one per process, started with the first server and
 * kept for the next (loading dynalite into a fresh thread costs more than starting a server in it).
 * It is as much a part of the process as dynalite in the main thread was: it keeps the process
 * alive while a server is open, dies with it, and an error in it ends the process.
 */
class DynamoWorkerThread {
  private readonly replies = new Map<number, { resolve(message: FromDynamoWorker): void; reject(error: Error): void }>();
  private nextId = 0;
  /** Open servers and unanswered questions: while there is any, the thread keeps the process alive. */
  private holds = 0;

  constructor(private readonly worker: Worker, onEnd: () => void) {
    worker.unref();
    worker.on('message', (message: FromDynamoWorker) => {
      const reply = this.replies.get(message.id);
      this.replies.delete(message.id);
      reply?.resolve(message);
    });
    worker.on('error', (error) => {
      onEnd();
      const open = this.holds > this.replies.size;
      for (const reply of this.replies.values()) reply.reject(error);
      this.replies.clear();
      if (open) throw new Error(`the local DynamoDB's worker thread failed: ${error.message}`, { cause: error });
    });
    worker.on('exit', (code) => {
      onEnd();
      if (this.holds > 0) throw new Error(`the local DynamoDB's worker thread ended with code ${code} while the local stack still used it`);
    });
  }

  async listen(path: string | undefined): Promise<DynaliteServer> {
    const id = this.nextId++;
    const started = await this.ask({ kind: 'start', id, ...(path ? { path } : {}) });
    if (started.kind !== 'started') throw new Error(`the local DynamoDB did not start: ${started.kind === 'failed' ? started.message : started.kind}`);
    this.hold(+1);
    return {
      endpoint: started.endpoint,
      close: async () => {
        await this.ask({ kind: 'close', id });
        this.hold(-1);
      },
    };
  }

  private async ask(message: ToDynamoWorker): Promise<FromDynamoWorker> {
    this.hold(+1);
    try {
      return await new Promise<FromDynamoWorker>((resolve, reject) => {
        this.replies.set(message.id, { resolve, reject });
        this.worker.postMessage(message);
      });
    } finally {
      this.hold(-1);
    }
  }

  private hold(change: 1 | -1): void {
    this.holds += change;
    if (this.holds === 0) this.worker.unref();
    else if (change === 1 && this.holds === 1) this.worker.ref();
  }
}

let thread: Promise<DynamoWorkerThread> | undefined;

/** Starts a dynalite server in the local DynamoDB's worker thread (starting the thread first if need be). */
export async function listenInWorker(path: string | undefined): Promise<DynaliteServer> {
  thread ??= dynamoWorkerScript().then((script) => new DynamoWorkerThread(new Worker(script), () => (thread = undefined)));
  thread.catch(() => (thread = undefined));
  return (await thread).listen(path);
}
