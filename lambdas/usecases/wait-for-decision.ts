import { decisionView, mayReadDecision, type DecisionView } from '#core/decision-view';
import { NotFoundError } from '#core/errors';
import type { Identity } from '#core/identity';
import type { ApprovalStore } from '#ports';

/** API Gateway ends a call after 29 s; a wait stays well under it. */
export const MAX_WAIT_SECONDS = 25;
const POLL_INTERVAL_MS = 500;

export interface WaitDeps {
  readonly store: ApprovalStore;
  /** Admins may read every request. */
  readonly adminGroups: readonly string[];
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface WaitInput {
  readonly id: string;
  readonly identity: Identity;
  readonly waitSeconds: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The decision on a request, waiting up to `waitSeconds` for it (a long poll): the request is read
 * every half second until it is decided or the time is up, then `pending` is the answer. Someone who
 * may not read the request is told it does not exist.
 */
export async function waitForDecision(deps: WaitDeps, input: WaitInput): Promise<DecisionView> {
  const sleep = deps.sleep ?? realSleep;
  // Wall time, not the app clock: this bounds how long an HTTP connection is held.
  const deadline = Date.now() + Math.min(input.waitSeconds, MAX_WAIT_SECONDS) * 1000;
  for (;;) {
    const request = await deps.store.get(input.id);
    if (!request || !mayReadDecision(input.identity, request, deps.adminGroups)) throw new NotFoundError(`approval ${input.id} not found`);
    const view = decisionView(request);
    const left = deadline - Date.now();
    if (view.status !== 'pending' || left <= 0) return view;
    await sleep(Math.min(POLL_INTERVAL_MS, left));
  }
}
