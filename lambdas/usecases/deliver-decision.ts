import { toWorkflowDecision, type ApprovalRequest } from '#core/request';
import { GONE_TOKEN_ERRORS, type ApprovalStore, type Clock, type DurableCallbacks, type WebhookDelivery, type Workflows } from '#ports';
import { deliverDurableCallback } from './deliver-durable-callback.ts';
import { deliverWebhook } from './deliver-webhook.ts';

export type DeliveryResult = 'delivered' | 'workflow_gone' | 'pending' | 'gave_up';

export interface DeliveryOutcome {
  readonly result: DeliveryResult;
  /** The request as this call recorded it (delivered or gone); absent when nothing was recorded. */
  readonly recorded?: ApprovalRequest;
  /** Whether the caller's follow-ups (see DeliverOptions) were marked done with the delivery. */
  readonly followUpsMarked?: boolean;
}

export interface DeliverOptions {
  /**
   * Follow-ups the caller is doing beside the delivery, by id once done: marked done in the write
   * that records the delivery, so a decision costs one write after SendTaskSuccess, not two.
   */
  readonly followUpsDone?: Promise<readonly string[] | undefined>;
  /**
   * Whether the caller wants the request as the delivery recorded it (`recorded`). @default true.
   * The sweeper does not: its delivery write then returns nothing.
   */
  readonly returnRecorded?: boolean;
}

export interface DeliverDeps {
  readonly store: ApprovalStore;
  readonly workflows: Workflows;
  readonly clock: Clock;
  /** How decisions reach webhooks; absent where none may be called. */
  readonly webhooks?: WebhookDelivery;
  /** How decisions complete Lambda durable functions' callbacks; absent where none may be called back. */
  readonly durableCallbacks?: DurableCallbacks;
}

/** How long a deliverer holds a decision before the sweeper may try it again. */
export const DELIVERY_LEASE_MS = 30_000;

/** The error name of a delivery left for later on purpose: not a failure, so no `delivery_failed` event. */
const DELIVERY_DEFERRED = 'DeliveryDeferred';

/**
 * `deps` with SendTaskSuccess left for later: a decision made with them is stored, with its delivery
 * lease, and reported `pending`. For callers that must answer before the workflow has it (a Slack
 * click is acknowledged within 3 seconds); they deliver afterwards with deliverDecision, and if that
 * never happens the sweeper delivers once the lease runs out.
 */
export function withDeliveryDeferred<D extends { readonly workflows: Workflows }>(deps: D): D {
  const deferred = async () => {
    throw Object.assign(new Error('delivery is left to the caller'), { name: DELIVERY_DEFERRED });
  };
  const workflows: Workflows = {
    startExecution: (...args) => deps.workflows.startExecution(...args),
    describeExecution: (...args) => deps.workflows.describeExecution(...args),
    sendTaskSuccess: deferred,
    sendTaskFailure: deferred,
  };
  return { ...deps, workflows };
}

/**
 * Sends a stored decision to the workflow waiting on it. The caller holds the delivery lease, so no
 * one else sends it meanwhile. A token that is gone is recorded for good; any other failure leaves the
 * decision undelivered for the sweeper's next run. A caller that already holds the task token (the
 * write that decided returns it; for a durable function, its callback id) passes it, saving a read.
 */
export async function deliverDecision(deps: DeliverDeps, request: ApprovalRequest, taskToken?: string, options: DeliverOptions = {}): Promise<DeliveryOutcome> {
  const callback = request.callback ?? { type: 'task_token' };
  if (callback.type === 'webhook') return deliverWebhook(deps, request, callback.url);
  if (callback.type === 'durable') return deliverDurableCallback(deps, request, taskToken ?? (await deps.store.getTaskToken(request.id)));
  if (callback.type === 'none') {
    // Nobody is called: the caller reads the decision with GET /approvals/{id}/decision.
    const recorded = await deps.store.markDelivery(request.id, 'delivered', deps.clock.now(), { callback: 'none' });
    return { result: 'delivered', ...(recorded ? { recorded } : {}) };
  }
  const token = taskToken ?? (await deps.store.getTaskToken(request.id));
  try {
    if (!token) throw Object.assign(new Error('no task token stored'), { name: 'TaskDoesNotExist' });
    await deps.workflows.sendTaskSuccess(token, toWorkflowDecision(request));
  } catch (error) {
    const name = (error as Error)?.name ?? 'Error';
    if (name === DELIVERY_DEFERRED) return { result: 'pending' };
    if ((GONE_TOKEN_ERRORS as readonly string[]).includes(name)) {
      const recorded = await deps.store.markDelivery(request.id, 'workflow_gone', deps.clock.now(), { error: name });
      return { result: 'workflow_gone', ...(recorded ? { recorded } : {}) };
    }
    const last = request.events.at(-1);
    if (last?.type !== 'delivery_failed') {
      await deps.store.appendEvent(request.id, {
        at: deps.clock.now().toISOString(),
        type: 'delivery_failed',
        actor: 'system:delivery',
        detail: { error: name, retry: 'the sweeper retries undelivered decisions' },
      });
    }
    return { result: 'pending' };
  }
  // The workflow has the decision; the caller's bookkeeping beside it is what is left to wait for.
  const done = options.followUpsDone ? await options.followUpsDone : undefined;
  const recorded = await deps.store.markDelivery(request.id, 'delivered', deps.clock.now(), undefined, done, { returnRecorded: options.returnRecorded !== false });
  return { result: 'delivered', ...(recorded ? { recorded } : {}), followUpsMarked: done !== undefined };
}
