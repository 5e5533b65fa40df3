import { summarize, type ApprovalSummary } from '#core/approval-summary';
import { viewFor, type ApprovalView } from '#core/approval-view';
import { isBarredRequester } from '#core/authorization';
import { NotFoundError } from '#core/errors';
import type { Identity } from '#core/identity';
import { inboxActionsFor, mayCancelNow } from '#core/inbox-view';
import { isAdmin, isApproverOf, mayDecideNow, mayReadRequest, type ReadAccess } from '#core/read-access';
import type { ApprovalRequest } from '#core/request';
import type { ListedRequest } from '#core/listed-request';
import { refsIn } from '#core/payload-ref';
import type { ApprovalStore, Clock, Delegations, HistoryQuery, ListPendingQuery, Page, PayloadStore } from '#ports';
import type { Directory } from '../channels/directory.ts';
import { resolveForView } from './large-state.ts';

export interface ReadApprovalsDeps {
  readonly store: Pick<ApprovalStore, 'get' | 'listPending'>;
  readonly access: ReadAccess;
  /** With all three, a delegate also reads, during the window, the requests that name the person they stand in for. */
  readonly delegations?: Delegations;
  readonly directory?: Pick<Directory, 'person'>;
  readonly clock?: Clock;
  /** With it, a request's large values (kept apart from its flow's state) are read back into its view. */
  readonly payloads?: PayloadStore;
}

/**
 * The people the caller stands in for now, each with their own groups from the directory. They pass
 * on what names them as approvers, never their admin or auditor rights, nor what they read as requesters.
 */
async function standInsOf(deps: ReadApprovalsDeps, identity: Identity): Promise<Identity[]> {
  if (!deps.delegations || !deps.directory || !deps.clock) return [];
  const standIns: Identity[] = [];
  for (const delegation of await deps.delegations.activeFor(identity.userId, deps.clock.now())) {
    const person = await deps.directory.person(delegation.userId);
    if (person) standIns.push({ userId: person.userId, groups: [...person.groups] });
  }
  return standIns;
}

function mayReadAsStandIn(standIns: readonly Identity[], request: ListedRequest): boolean {
  return standIns.some((delegator) => isApproverOf(delegator, request));
}

/** The caller's view of a request: what they may decide (also as a delegate), cancel and extend. */
function viewWithActions(deps: ReadApprovalsDeps, identity: Identity, request: ApprovalRequest, standIns: readonly Identity[]): ApprovalView {
  const view = viewFor(identity, request);
  const asDelegate = !view.canDecide && !isBarredRequester(identity.userId, request) && standIns.some((delegator) => mayDecideNow(delegator, request));
  return { ...view, canDecide: view.canDecide || asDelegate, ...inboxActionsFor(identity, request, isAdmin(identity, deps.access)) };
}

/** A list item: the request's summary, with what the caller may decide also as a delegate, and whether they may cancel it. */
function summaryFor(identity: Identity, request: ListedRequest, standIns: readonly Identity[], callerIsAdmin: boolean): ApprovalSummary {
  const summary = summarize(identity, request);
  const asDelegate = !summary.canDecide && !isBarredRequester(identity.userId, request) && standIns.some((delegator) => mayDecideNow(delegator, request));
  return { ...summary, canDecide: summary.canDecide || asDelegate, canCancel: mayCancelNow(identity, request, callerIsAdmin) };
}

/** Store pages a listing reads at most per call before it hands back a short page and a cursor. */
export const MAX_LIST_ROUNDS = 5;

/** The message of an unknown id, also given for one the caller may not read: ids are not confirmed. */
export function approvalNotFound(id: string): NotFoundError {
  return new NotFoundError(`approval ${id} not found`);
}

/** One request, if the caller may read it; otherwise NotFoundError, the same as for an unknown id. */
export async function readApproval(deps: ReadApprovalsDeps, identity: Identity, id: string): Promise<ApprovalRequest> {
  return (await readWithStandIns(deps, identity, id)).request;
}

async function readWithStandIns(deps: ReadApprovalsDeps, identity: Identity, id: string): Promise<{ request: ApprovalRequest; standIns: Identity[] }> {
  const request = await deps.store.get(id);
  if (!request) throw approvalNotFound(id);
  if (mayReadRequest(identity, request, deps.access)) return { request, standIns: [] };
  const standIns = await standInsOf(deps, identity);
  if (!mayReadAsStandIn(standIns, request)) throw approvalNotFound(id);
  return { request, standIns };
}

/** `readApproval`, with whether the caller may decide, cancel or extend it. */
export async function readApprovalView(deps: ReadApprovalsDeps, identity: Identity, id: string): Promise<ApprovalView> {
  const { request, standIns } = await readWithStandIns(deps, identity, id);
  return viewWithActions(deps, identity, deps.payloads ? await withLargeValues(deps.payloads, request) : request, standIns);
}

/**
 * A flow request with the large values of its checkpointed state read back, and its action whole:
 * the request stores only the beginning of an action's large texts, the checkpoint has the action
 * with their references.
 */
async function withLargeValues(payloads: PayloadStore, request: ApprovalRequest): Promise<ApprovalRequest> {
  if (!request.checkpoint || refsIn(request.checkpoint.state).length === 0) return request;
  const state = (await resolveForView(payloads, request.executionId, request.checkpoint.state)) as { gate?: { step?: unknown; action?: unknown } | null };
  const stored = (request.checkpoint.state as { gate?: { step?: unknown; action?: unknown } | null }).gate;
  const askedHere = stored?.step === request.step && refsIn(stored.action).length > 0 && refsIn(state.gate?.action).length === 0;
  return {
    ...request,
    ...(askedHere ? { action: state.gate!.action as ApprovalRequest['action'] } : {}),
    checkpoint: { ...request.checkpoint, state },
  };
}

/**
 * Pending requests the caller may read, newest first, as summaries (`readApprovalView` has the whole
 * request). Each store page is asked for no more than the room left on this page, so every request up
 * to the returned cursor has been looked at and none is skipped; after MAX_LIST_ROUNDS the page may be
 * short, and its cursor reads on.
 */
export async function listReadablePending(deps: ReadApprovalsDeps, identity: Identity, query: ListPendingQuery): Promise<Page<ApprovalSummary>> {
  const items: ApprovalSummary[] = [];
  let cursor = query.cursor;
  const everything = isAdmin(identity, deps.access);
  const standIns = everything ? [] : await standInsOf(deps, identity);
  for (let round = 0; round < MAX_LIST_ROUNDS && items.length < query.limit; round++) {
    const page = await deps.store.listPending({ ...query, limit: query.limit - items.length, cursor });
    for (const request of page.items) {
      if (everything || mayReadRequest(identity, request, deps.access) || mayReadAsStandIn(standIns, request)) {
        items.push(summaryFor(identity, request, standIns, everything));
      }
    }
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return cursor ? { items, nextCursor: cursor } : { items };
}

/** Decided requests, newest first, as summaries; the route lets only admins and auditors ask. */
export async function listDecidedSummaries(deps: { readonly store: Pick<ApprovalStore, 'listDecided'> }, identity: Identity, query: HistoryQuery): Promise<Page<ApprovalSummary>> {
  const page = await deps.store.listDecided(query);
  const items = page.items.map((request) => summarize(identity, request));
  return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
}
