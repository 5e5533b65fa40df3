/**
 * A Lambda durable function that waits for a refund approval, run on the durable execution SDK's
 * local runner. Start the API with `npm start`, then run `npx tsx examples/durable-functions/index.ts`:
 * it prints the request and the curl that approves it or rejects it. The request's callback is the
 * function's durable callback; the API completes it through a small server on 127.0.0.1:3009 (the
 * local stand-in for Lambda's SendDurableExecutionCallbackSuccess / Failure, HITL_DURABLE_ENDPOINT).
 */
import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner, WaitingOperationStatus } from '@aws/durable-execution-sdk-js-testing';
import { ApprovalNotGrantedError, durableIdempotencyKey, waitForApproval } from '../../clients/agents/durable-functions.ts';
import { serveLocalDurableCallbacks } from '../../clients/agents/durable-functions-local.ts';
import { approvalHints, hitlClient } from '../../clients/agents/hitl.ts';
import { agentRequestId } from '../../lambdas/core/agent-request.ts';

const hitl = hitlClient({ baseUrl: process.env.HITL_URL ?? 'http://127.0.0.1:3000', headers: { 'x-user': 'refund-bot', 'x-groups': 'agents' } });
const endpointPort = Number(new URL(process.env.HITL_DURABLE_ENDPOINT ?? 'http://127.0.0.1:3009').port);
const callbacks = await serveLocalDurableCallbacks({ port: endpointPort });

const handler = withDurableExecution(async (event: { orderId: string; amount: number }, ctx: DurableContext) => {
  const args = { orderId: event.orderId, amount: event.amount, country: 'DE' };
  try {
    const verdict = await waitForApproval(ctx, 'refund-approval', hitl, {
      gateId: 'refund-approval',
      action: { kind: 'tool_call', toolCall: { id: `refund-${event.orderId}`, name: 'refund', args } },
      timeout: { minutes: 30 },
    });
    return ctx.step('refund', async () => `Refunded ${(verdict.editedArgs ?? args).amount} on ${event.orderId}, approved by ${verdict.approver}.`);
  } catch (error) {
    if (error instanceof ApprovalNotGrantedError) return `Not refunded (${error.status}): ${error.reason}`;
    throw error;
  }
});

await LocalDurableTestRunner.setupTestEnvironment({ skipTime: false });
const runner = new LocalDurableTestRunner({ handlerFunction: handler });
const callback = runner.getOperation('refund-approval');
callbacks.track(callback);
const execution = runner.run({ payload: { orderId: `A-${Date.now()}`, amount: 120 } });
await callback.waitForData(WaitingOperationStatus.SUBMITTED);

// The request the function created: its id follows from the caller, the gate and the wait's key.
const requestId = agentRequestId('refund-bot', 'refund-approval', durableIdempotencyKey(callback.getCallbackDetails()?.callbackId ?? ''));
const hints = approvalHints(hitl.baseUrl, requestId);
console.log(`The function waits for approval ${requestId}. Approve in the dashboard (${hints.dashboard}) or with:\n  ${hints.approveCurl}`);
const result = await execution;
console.log(`${result.getStatus()}: ${String(result.getResult())}`);
await LocalDurableTestRunner.teardownTestEnvironment();
await callbacks.close();
