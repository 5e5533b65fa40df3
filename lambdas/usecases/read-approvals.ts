import { summarize, type ApprovalSummary } from '#core/approval-summary';
import { viewFor, type ApprovalView } from '#core/approval-view';
import { NotFoundError } from '#core/errors';
import type { Identity } from '#core/identity';
import { isAdmin, mayReadRequest, type ReadAccess } from '#core/read-access';
import type { ApprovalRequest } from '#core/request';
import type { ApprovalStore, HistoryQuery, ListPendingQuery, Page } from '#ports';

export interface ReadApprovalsDeps {
  readonly store: Pick<ApprovalStore, 'get' | 'listPending'>;
  readonly access: ReadAccess;
}

/** Store pages a listing reads at most per call before it hands back a short page and a cursor. */
export const MAX_LIST_ROUNDS = 5;

/** The message of an unknown id, also given for one the caller may not read: ids are not confirmed. */
export function approvalNotFound(id: string): NotFoundError {
  return new NotFoundError(`approval ${id} not found`);
}

/** One request, if the caller may read it; otherwise NotFoundError, the same as for an unknown id. */
export async function readApproval(deps: ReadApprovalsDeps, identity: Identity, id: string): Promise<ApprovalRequest> {
  const request = await deps.store.get(id);
  if (!request || !mayReadRequest(identity, request, deps.access)) throw approvalNotFound(id);
  return request;
}

/** `readApproval`, with whether the caller may decide it. */
export async function readApprovalView(deps: ReadApprovalsDeps, identity: Identity, id: string): Promise<ApprovalView> {
  return viewFor(identity, await readApproval(deps, identity, id));
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
  for (let round = 0; round < MAX_LIST_ROUNDS && items.length < query.limit; round++) {
    const page = await deps.store.listPending({ ...query, limit: query.limit - items.length, cursor });
    for (const request of page.items) {
      if (everything || mayReadRequest(identity, request, deps.access)) items.push(summarize(identity, request));
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
