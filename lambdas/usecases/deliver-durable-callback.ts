import { durableCompletionOf } from '#core/durable-completion';
import type { ApprovalRequest } from '#core/request';
import { CLOSED_CALLBACK_ERRORS, GONE_CALLBACK_ERRORS, type ApprovalStore, type Clock, type DurableCallbacks } from '#ports';

export interface DurableCallbackDeps {
  readonly store: ApprovalStore;
  readonly clock: Clock;
  /** Absent where no durable function may be called back (then every attempt fails and is retried). */
  readonly durableCallbacks?: DurableCallbacks;
}

export type DurableCallbackResult = { readonly result: 'delivered' | 'workflow_gone' | 'pending'; readonly recorded?: ApprovalRequest };

/**
 * Completes the durable function's callback with the decision (success when approved, a failure the
 * function catches otherwise). The caller holds the delivery lease. Lambda completes a callback once:
 * a process that died after completing it but before recording so tries again after the lease, is
 * told the callback is closed, and records the delivery then, so the function resumes exactly once.
 * A callback Lambda does not know is recorded as gone; any other failure leaves the decision
 * undelivered for the sweeper's next run.
 */
export async function deliverDurableCallback(deps: DurableCallbackDeps, request: ApprovalRequest, callbackId: string | undefined): Promise<DurableCallbackResult> {
  const completion = durableCompletionOf(request);
  try {
    if (!callbackId) throw Object.assign(new Error('no callback id stored'), { name: GONE_CALLBACK_ERRORS[0] });
    if (!deps.durableCallbacks) throw Object.assign(new Error('durable callbacks are not configured here'), { name: 'NotConfigured' });
    if (completion.kind === 'success') await deps.durableCallbacks.succeed(callbackId, completion.result);
    else await deps.durableCallbacks.fail(callbackId, completion.error);
  } catch (error) {
    const name = (error as Error)?.name ?? 'Error';
    const now = deps.clock.now();
    if ((CLOSED_CALLBACK_ERRORS as readonly string[]).includes(name)) {
      const recorded = await deps.store.markDelivery(request.id, 'delivered', now, { callback: 'durable', note: 'the callback was closed already' });
      return { result: 'delivered', ...(recorded ? { recorded } : {}) };
    }
    if ((GONE_CALLBACK_ERRORS as readonly string[]).includes(name)) {
      const recorded = await deps.store.markDelivery(request.id, 'workflow_gone', now, { callback: 'durable', error: name });
      return { result: 'workflow_gone', ...(recorded ? { recorded } : {}) };
    }
    if (request.events.at(-1)?.type !== 'delivery_failed') {
      await deps.store.appendEvent(request.id, {
        at: now.toISOString(),
        type: 'delivery_failed',
        actor: 'system:delivery',
        detail: { callback: 'durable', error: name, message: ((error as Error)?.message ?? '').slice(0, 200), retry: 'the sweeper retries undelivered decisions' },
      });
    }
    return { result: 'pending' };
  }
  const recorded = await deps.store.markDelivery(request.id, 'delivered', deps.clock.now(), { callback: 'durable', outcome: request.decision?.outcome });
  return { result: 'delivered', ...(recorded ? { recorded } : {}) };
}
