import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { DurableOperation } from '@aws/durable-execution-sdk-js-testing';

/** One callback completion the local server passed on to the runner. */
export interface LocalCompletion {
  readonly callbackId: string;
  readonly kind: 'succeed' | 'fail';
  /** The success result, or the failure's `{ErrorType, ErrorMessage, ErrorData}`. */
  readonly payload: unknown;
}

export interface LocalDurableCallbacks {
  /** The endpoint to start the API with (`HITL_DURABLE_ENDPOINT`). */
  readonly url: string;
  /** Callbacks completed so far, in order: one per decision when delivery is exactly once. */
  readonly completions: readonly LocalCompletion[];
  /** Lets the server complete this waiting operation (`runner.getOperation(name)`), found by its callback id. */
  track(operation: DurableOperation): void;
  close(): Promise<void>;
}

const PATH = /^\/2025-12-01\/durable-execution-callbacks\/([^/]+)\/(succeed|fail)$/;

/**
 * Lambda's SendDurableExecutionCallbackSuccess / Failure over HTTP, in front of the durable SDK's
 * local runner, whose checkpoint server is a worker thread without an HTTP API. Local mode's API
 * completes callbacks through it with the same Lambda client it uses on AWS. Like Lambda, it closes a
 * callback once: completing it again answers `CallbackTimeoutException`, an unknown id
 * `ResourceNotFoundException`.
 */
export interface LocalDurableCallbacksOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /**
   * Runs after a callback was completed and before the caller is answered (fault tests end the
   * caller's process there: the callback is closed, the caller never learns it).
   */
  readonly afterCompletion?: (completion: LocalCompletion) => Promise<void> | void;
}

export async function serveLocalDurableCallbacks(options: LocalDurableCallbacksOptions = {}): Promise<LocalDurableCallbacks> {
  const operations: DurableOperation[] = [];
  const completions: LocalCompletion[] = [];
  const closed = new Set<string>();

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => answerError(res, 500, 'ServiceException', (error as Error)?.message ?? String(error)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const match = req.method === 'POST' ? PATH.exec(new URL(req.url ?? '/', 'http://local').pathname) : null;
    if (!match) return answerError(res, 404, 'UnknownOperationException', `no such operation: ${req.method} ${req.url}`);
    const callbackId = decodeURIComponent(match[1]);
    const kind = match[2] as 'succeed' | 'fail';
    const operation = operations.find((op) => callbackIdOf(op) === callbackId);
    if (!operation) return answerError(res, 404, 'ResourceNotFoundException', `no callback ${callbackId} is waiting here`);
    const details = operation.getCallbackDetails();
    if (closed.has(callbackId) || details?.result !== undefined || details?.error !== undefined) {
      return answerError(res, 400, 'CallbackTimeoutException', 'the callback has already been closed');
    }
    closed.add(callbackId);
    if (kind === 'succeed') {
      await operation.sendCallbackSuccess(body);
      completions.push({ callbackId, kind, payload: body });
    } else {
      const error = JSON.parse(body || '{}') as { ErrorType?: string; ErrorMessage?: string; ErrorData?: string };
      await operation.sendCallbackFailure({ ErrorType: error.ErrorType, ErrorMessage: error.ErrorMessage, ErrorData: error.ErrorData });
      completions.push({ callbackId, kind, payload: error });
    }
    await options.afterCompletion?.(completions.at(-1)!);
    res.writeHead(200).end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    completions,
    track: (operation) => void operations.push(operation),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function callbackIdOf(operation: DurableOperation): string | undefined {
  try {
    return operation.getCallbackDetails()?.callbackId;
  } catch {
    return undefined; // not started yet
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answerError(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type }).end(JSON.stringify({ __type: type, Type: 'User', message }));
}
