import { createServer } from 'node:http';
import type { ExampleServer } from '../example-server.ts';

/** What the tool function invokes a Lambda tool with. */
export interface ToolEvent {
  readonly args: { readonly customerId: string; readonly amount: number };
  readonly idempotencyKey: string;
}

const issued = new Map<string, { creditId: string }>();

/**
 * The Lambda function behind `issue_credit`: deploy it as `issue-credit` and list its ARN in
 * `toolFunctionArns`. It is idempotent on the key the tool function sends, as the tool's
 * `"delivery": "idempotent"` promises: a retried call returns the first credit instead of a second.
 */
export async function handler(event: ToolEvent): Promise<{ creditId: string; customerId: string; amount: number }> {
  const earlier = issued.get(event.idempotencyKey);
  const credit = earlier ?? { creditId: `CR-${issued.size + 1}` };
  issued.set(event.idempotencyKey, credit);
  return { ...credit, customerId: event.args.customerId, amount: event.args.amount };
}

/** Locally, `localUrl` stands in for the function: this loopback server POSTs the same payload to `handler`. */
export async function startFunctionStandIn(port: number): Promise<ExampleServer> {
  const calls: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      const event = JSON.parse(body) as ToolEvent;
      calls.push(event.args);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await handler(event)));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { calls, port: (server.address() as { port: number }).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
