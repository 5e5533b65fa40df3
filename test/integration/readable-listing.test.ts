import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '#core/identity';
import { DEFAULT_READ_ACCESS } from '#core/read-access';
import type { ApprovalRequest } from '#core/request';
import { requestIdFor } from '#core/request-id';
import { listReadablePending, MAX_LIST_ROUNDS } from '#usecases/read-approvals';
import { gateInput, hitl } from '../support/fixtures.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(async () => table.close());

let clock = Date.parse('2026-11-25T10:00:00.000Z');

/** A pending request for `group` at a workflow of its own, one second newer than the previous one. */
async function pendingFor(workflowId: string, group: string): Promise<ApprovalRequest> {
  const input = gateInput({ workflowId });
  const createdAt = new Date((clock += 1000)).toISOString();
  const request: ApprovalRequest = {
    id: requestIdFor(input.executionId, input.nodeId, input.step),
    executionId: input.executionId, workflowId, nodeId: input.nodeId, step: input.step, mode: 'confirm_tools', channel: 'async',
    action: input.action, context: input.context, hitl: hitl({ approvers: { users: [], groups: [group] } }), requestedBy: 'requester',
    status: 'pending', level: 0, createdAt, dueAt: new Date(Date.parse(createdAt) + 3_600_000).toISOString(),
    events: [{ at: createdAt, type: 'created', actor: 'system:gate' }],
  };
  await table.store.create(request, 'token');
  return request;
}

/** Every page of the listing as `identity`, following nextCursor to the end. */
async function allPages(identity: Identity, query: { limit: number; workflowId?: string }) {
  const deps = { store: table.store, access: DEFAULT_READ_ACCESS };
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await listReadablePending(deps, identity, { ...query, cursor });
    pages.push(page.items.map((item) => item.id));
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}

describe('listing pending requests as a reader', () => {
  it('pages through only the readable requests, each once, and none missed', async () => {
    // Prepare: finance and approvers requests interleaved at one workflow.
    const workflowId = 'interleaved';
    const finance: string[] = [];
    for (let i = 0; i < 7; i++) {
      finance.push((await pendingFor(workflowId, 'finance')).id);
      await pendingFor(workflowId, 'approvers');
      await pendingFor(workflowId, 'approvers');
    }
    // Act
    const pages = await allPages({ userId: 'dana', groups: ['finance'] }, { limit: 3, workflowId });
    // Assess
    const seen = pages.flat();
    expect(pages.every((page) => page.length <= 3)).toBe(true);
    expect(seen).toEqual([...finance].reverse());
  });

  it('does not end the listing at a page of unreadable requests: a short page still carries the cursor', async () => {
    // Prepare: the oldest request is dana's; far more than a call reads belong to others.
    const workflowId = 'buried';
    const hers = await pendingFor(workflowId, 'finance');
    for (let i = 0; i < MAX_LIST_ROUNDS * 2 + 3; i++) await pendingFor(workflowId, 'approvers');
    // Act
    const pages = await allPages({ userId: 'dana', groups: ['finance'] }, { limit: 2, workflowId });
    // Assess
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flat()).toEqual([hers.id]);
  });

  it('shows an admin every request, and an outsider none', async () => {
    const workflowId = 'mixed';
    const ids = [(await pendingFor(workflowId, 'finance')).id, (await pendingFor(workflowId, 'approvers')).id].reverse();
    expect((await allPages({ userId: 'root', groups: ['admins'] }, { limit: 1, workflowId })).flat()).toEqual(ids);
    expect((await allPages({ userId: 'mallory', groups: ['nobody'] }, { limit: 5, workflowId })).flat()).toEqual([]);
  });
});
