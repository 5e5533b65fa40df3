import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';

export interface ReceivedHook {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status the receiver answered with; undefined while it holds the call, or when it never answered. */
  answered?: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedHook[];
  /** Deliveries the receiver answered with a 2xx (that reached the sender: the socket was still open). */
  acknowledged(): ReceivedHook[];
  close(): Promise<void>;
}

/**
 * A webhook receiver on 127.0.0.1 for tests. `answer` decides each call: a status, or `'hang'` to hold
 * it open until the receiver closes.
 */
export async function startWebhookReceiver(answer: (hook: ReceivedHook, index: number) => number | 'hang' = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  const held: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const hook: ReceivedHook = { headers: req.headers, body };
      received.push(hook);
      const status = answer(hook, received.length - 1);
      if (status === 'hang') {
        held.push(res);
        return;
      }
      // Counted only when the answer was written to a live socket.
      if (!res.socket?.destroyed) res.writeHead(status).end('ok', () => (hook.answered = status));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    acknowledged: () => received.filter((hook) => hook.answered !== undefined && hook.answered >= 200 && hook.answered < 300),
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
