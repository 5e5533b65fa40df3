import { createHash } from 'node:crypto';
import { CallbackError, CallbackTimeoutError, type DurableContext, type Duration } from '@aws/durable-execution-sdk-js';
import { verdictOf, type GateAction, type GateContext, type HitlClient, type HitlVerdict } from './hitl.ts';

export interface WaitForApprovalInput {
  readonly gateId: string;
  readonly action: GateAction;
  readonly context?: GateContext;
  /** On whose behalf the function asks; that person may not approve it. */
  readonly requestedBy?: string;
  /** How long the function waits; past it the wait fails as `timed_out`. The gate's own timeout applies too. */
  readonly timeout?: Duration;
}

/**
 * Thrown by `waitForApproval` when the request was rejected, timed out (the gate's timeout or the
 * function's own) or cancelled. `reason` is the approver's reason, or a sentence saying why.
 */
export class ApprovalNotGrantedError extends Error {
  constructor(
    readonly status: 'rejected' | 'timed_out' | 'cancelled',
    readonly reason: string,
    readonly requestId?: string,
  ) {
    super(reason);
    this.name = 'ApprovalNotGrantedError';
  }
}

/**
 * In a Lambda durable function: asks the gate with the wait's callback id as the request's callback
 * (`{"type":"durable","callbackId":...}`) and suspends the function with `waitForCallback`; it pays
 * for no compute while it waits. The service completes the callback when the request is decided
 * (SendDurableExecutionCallbackSuccess / Failure), exactly once, even across its own restarts.
 * Resolves with the approval (with the approver's edited arguments, if any); a rejection, a timeout
 * or a cancellation throws `ApprovalNotGrantedError` with the reason, for the function to catch.
 *
 * For gates that wait for a person: a `confirm_tools` policy's immediate answer stores no request,
 * so nobody would complete the callback; such an answer fails the wait at once, and such a gate is
 * better asked with `hitl.ask` in a `ctx.step`.
 */
export async function waitForApproval(ctx: DurableContext, name: string, hitl: HitlClient, input: WaitForApprovalInput): Promise<HitlVerdict> {
  try {
    const result = await ctx.waitForCallback(
      name,
      async (callbackId) => {
        // The callback id is unique to this wait, and a replayed submitter asks with the same key.
        const answer = await hitl.ask({
          gateId: input.gateId,
          action: input.action,
          context: input.context,
          ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
          idempotencyKey: durableIdempotencyKey(callbackId),
          callback: { type: 'durable', callbackId },
        });
        if (!answer.pending) throw new Error(`gate ${input.gateId} answered at once (${answer.verdict.status}); ask it with hitl.ask in a ctx.step`);
      },
      input.timeout ? { timeout: input.timeout } : {},
    );
    const body = JSON.parse(result) as { id?: unknown };
    const verdict = verdictOf(String(body.id ?? ''), body);
    if (!verdict?.approved) throw new Error(`the callback completed without an approval: ${result.slice(0, 200)}`);
    return verdict;
  } catch (error) {
    throw notGranted(error) ?? error;
  }
}

/**
 * The idempotency key a wait asks with: unique to the wait, the same on a replay, and without the
 * callback id itself, which the service keeps to itself like a task token (the key is shown to approvers).
 */
export function durableIdempotencyKey(callbackId: string): string {
  return `durable:${createHash('sha256').update(callbackId).digest('base64url')}`;
}

/**
 * The not-approved error a callback failure stands for; undefined for any other error. The failure's
 * data is the decision (`{id, status, decision}`): the wait's replay keeps it, not the error type.
 */
function notGranted(error: unknown): ApprovalNotGrantedError | undefined {
  if (error instanceof CallbackTimeoutError) return new ApprovalNotGrantedError('timed_out', 'No one decided in time.');
  if (!(error instanceof CallbackError)) return undefined;
  const data = decisionIn(error.errorData);
  if (!data) return undefined;
  return new ApprovalNotGrantedError(data.status, error.message, data.id);
}

const NOT_GRANTED = ['rejected', 'timed_out', 'cancelled'] as const;

function decisionIn(errorData: string | undefined): { id: string; status: ApprovalNotGrantedError['status'] } | undefined {
  try {
    const data = JSON.parse(errorData ?? '') as { id?: unknown; status?: unknown };
    const status = NOT_GRANTED.find((s) => s === data.status);
    return typeof data.id === 'string' && status ? { id: data.id, status } : undefined;
  } catch {
    return undefined;
  }
}
