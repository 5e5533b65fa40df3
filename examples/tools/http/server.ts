import { createServer } from 'node:http';
import type { ExampleServer } from '../example-server.ts';

/** A ticket system on loopback: POST /tickets with the tool's arguments as JSON body opens a ticket. */
export async function startTicketSystem(port: number): Promise<ExampleServer> {
  const calls: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/tickets') {
        res.writeHead(404).end();
        return;
      }
      calls.push(JSON.parse(body));
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ ticketId: `T-${calls.length}`, idempotencyKey: req.headers['idempotency-key'] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { calls, port: (server.address() as { port: number }).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
