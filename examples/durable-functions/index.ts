/**
 * A Lambda durable function that waits for a refund approval, run on the durable execution SDK's
 * local runner. Start the API with `npm start`, then run `npx tsx examples/durable-functions/index.ts`:
 * it prints the request and the curl that approves it. A small receiver on 127.0.0.1 gets the
 * decision webhook, checks its signature with the local key (`.hitl-local/webhook-secret`), and
 * completes the function's callback, as a function URL calling SendDurableExecutionCallbackSuccess
 * does on AWS.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner, WaitingOperationStatus } from '@aws/durable-execution-sdk-js-testing';
import { relayDecision, waitForApproval } from '../../clients/agents/durable-functions.ts';
import { approvalHints, hitlClient } from '../../clients/agents/hitl.ts';
import { verifyWebhook } from '../../lambdas/core/webhook-signature.ts';

const hitl = hitlClient({ baseUrl: process.env.HITL_URL ?? 'http://127.0.0.1:3000', headers: { 'x-user': 'refund-bot', 'x-groups': 'agents' } });
/** Written by the server when it first signs a webhook, so read at delivery. */
const secret = () => readFileSync(join(process.env.HITL_DATA_DIR ?? '.hitl-local', 'webhook-secret'), 'utf8').trim();

const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', async () => {
    const signed = { timestamp: String(req.headers['x-hitl-timestamp'] ?? ''), signature: String(req.headers['x-hitl-signature'] ?? '') };
    if (!verifyWebhook(secret(), signed, body, new Date())) return res.writeHead(401).end();
    await relayDecision({ url: req.url ?? '', body }, (_callbackId, result) => callback.sendCallbackSuccess(result));
    res.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const webhookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/decisions`;

const handler = withDurableExecution(async (event: { orderId: string; amount: number }, ctx: DurableContext) => {
  const args = { orderId: event.orderId, amount: event.amount, country: 'DE' };
  const verdict = await waitForApproval(ctx, 'refund-approval', hitl, {
    gateId: 'refund-approval',
    action: { kind: 'tool_call', toolCall: { id: `refund-${event.orderId}`, name: 'refund', args } },
    webhookUrl,
    timeout: { minutes: 30 },
  });
  if (!verdict.approved) return `Not refunded (${verdict.status}): ${verdict.reason}`;
  return ctx.step('refund', async () => `Refunded ${(verdict.editedArgs ?? args).amount} on ${event.orderId}, approved by ${verdict.approver}.`);
});

await LocalDurableTestRunner.setupTestEnvironment({ skipTime: false });
const runner = new LocalDurableTestRunner({ handlerFunction: handler });
const orderId = `A-${Date.now()}`;
const execution = runner.run({ payload: { orderId, amount: 120 } });
const callback = runner.getOperation('refund-approval');
await callback.waitForData(WaitingOperationStatus.SUBMITTED);

// The same key the function asked with returns its request.
const callbackId = callback.getCallbackDetails()?.callbackId ?? '';
const url = new URL(webhookUrl);
url.searchParams.set('callbackId', callbackId);
const asked = await hitl.ask({
  gateId: 'refund-approval',
  action: { kind: 'tool_call', toolCall: { id: `refund-${orderId}`, name: 'refund', args: { orderId, amount: 120, country: 'DE' } } },
  idempotencyKey: `durable:${callbackId}`,
  callback: { type: 'webhook', url: url.href },
});
if (asked.pending) {
  const hints = approvalHints(hitl.baseUrl, asked.requestId);
  console.log(`The function waits for approval ${asked.requestId}. Approve in the dashboard (${hints.dashboard}) or with:\n  ${hints.approveCurl}`);
}
const result = await execution;
console.log(`${result.getStatus()}: ${String(result.getResult())}`);
await LocalDurableTestRunner.teardownTestEnvironment();
receiver.close();
