import { CallbackTimeoutError, type DurableContext, type Duration } from '@aws/durable-execution-sdk-js';
import { z } from 'zod';
import { verdictOf, type GateAction, type GateContext, type HitlClient, type HitlVerdict } from './hitl.ts';

export interface WaitForApprovalInput {
  readonly gateId: string;
  readonly action: GateAction;
  readonly context?: GateContext;
  /**
   * The receiver the decision is POSTed to (a function URL that runs `relayDecision`); the callback
   * id rides along as the `callbackId` query parameter.
   */
  readonly webhookUrl: string;
  /** How long the function waits; past it the verdict is `timed_out`. The gate's own timeout applies too. */
  readonly timeout?: Duration;
}

const verdictSchema = z.object({
  approved: z.boolean(),
  status: z.enum(['approved', 'rejected', 'timed_out', 'cancelled', 'allowed', 'denied']),
  requestId: z.string().optional(),
  approver: z.string().optional(),
  reason: z.string().optional(),
  editedArgs: z.record(z.string(), z.unknown()).optional(),
});

/**
 * In a Lambda durable function: asks the gate and suspends the function with `waitForCallback`
 * until the decision comes back through `relayDecision`. The function pays for no compute while it
 * waits. For gates that wait for a person: a `confirm_tools` policy's immediate answer stores no
 * request and sends no webhook, so ask such a gate with `hitl.ask` in a `ctx.step` instead.
 */
export async function waitForApproval(ctx: DurableContext, name: string, hitl: HitlClient, input: WaitForApprovalInput): Promise<HitlVerdict> {
  try {
    const result = await ctx.waitForCallback(
      name,
      async (callbackId) => {
        const url = new URL(input.webhookUrl);
        url.searchParams.set('callbackId', callbackId);
        // The callback id is unique to this wait, and a replayed submitter asks with the same key.
        await hitl.ask({ gateId: input.gateId, action: input.action, context: input.context, idempotencyKey: `durable:${callbackId}`, callback: { type: 'webhook', url: url.href } });
      },
      input.timeout ? { timeout: input.timeout } : {},
    );
    return verdictSchema.parse(JSON.parse(result));
  } catch (error) {
    if (error instanceof CallbackTimeoutError) return { approved: false, status: 'timed_out', reason: 'No one decided in time.' };
    throw error;
  }
}

/**
 * Turns a verified decision webhook into the callback result the waiting function reads, and hands
 * it to `send` (on AWS: `SendDurableExecutionCallbackSuccess` with `CallbackId` and `Result`). Verify
 * the signature first (`X-Hitl-Signature`). Returns false when the URL carries no callback id.
 */
export async function relayDecision(webhook: { readonly url: string; readonly body: string }, send: (callbackId: string, result: string) => Promise<unknown>): Promise<boolean> {
  const callbackId = new URL(webhook.url, 'http://receiver').searchParams.get('callbackId');
  if (!callbackId) return false;
  const body = JSON.parse(webhook.body) as { id?: unknown };
  const verdict = verdictOf(String(body.id ?? ''), body);
  if (!verdict) return false;
  await send(callbackId, JSON.stringify(verdict));
  return true;
}
