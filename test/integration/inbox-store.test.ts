import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DelegationRepository } from '#adapters/dynamodb/delegation-repository';
import { ConcurrentUpdateError } from '#core/errors';
import { expire, extend } from '#core/lifecycle';
import type { ApprovalRequest } from '#core/request';
import { requestIdFor } from '#core/request-id';
import { gateInput, hitl } from '../support/fixtures.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

let table: LocalTable;
let delegations: DelegationRepository;
beforeAll(async () => {
  table = await startLocalTable();
  delegations = new DelegationRepository(table.db, table.tableName);
});
afterAll(async () => table.close());

function pendingRequest(createdAt: Date): ApprovalRequest {
  const input = gateInput();
  return {
    id: requestIdFor(input.executionId, input.nodeId, input.step),
    executionId: input.executionId, workflowId: input.workflowId, nodeId: input.nodeId, step: input.step,
    mode: 'confirm_tools', channel: 'async', action: input.action, context: input.context, hitl: hitl({ timeoutSeconds: 60 }),
    requestedBy: 'requester', status: 'pending', level: 0,
    createdAt: createdAt.toISOString(), dueAt: new Date(createdAt.getTime() + 60_000).toISOString(),
    events: [{ at: createdAt.toISOString(), type: 'created', actor: 'system:gate' }],
  };
}

describe('extending a request on dynalite', () => {
  it('moves the request in the due index with its deadline', async () => {
    // Prepare
    const createdAt = new Date('2026-01-01T00:00:00.000Z');
    const request = pendingRequest(createdAt);
    await table.store.create(request, 'token');
    // Act
    await table.store.transition(request, extend(request, 60, 'bob', createdAt));
    // Assess
    const dueAtOldDeadline = await table.store.listDue(new Date(createdAt.getTime() + 61_000), 100);
    const dueAtNewDeadline = await table.store.listDue(new Date(createdAt.getTime() + 121_000), 100);
    expect(dueAtOldDeadline.map((r) => r.id)).not.toContain(request.id);
    expect(dueAtNewDeadline.map((r) => r.id)).toContain(request.id);
  });

  it('makes a sweeper that read the old deadline fail its write instead of expiring the request', async () => {
    // Prepare: the sweeper reads the request as due, then an approver extends it
    const createdAt = new Date('2026-01-02T00:00:00.000Z');
    const request = pendingRequest(createdAt);
    await table.store.create(request, 'token');
    const readBySweeper = (await table.store.get(request.id))!;
    await table.store.transition(readBySweeper, extend(readBySweeper, 60, 'bob', createdAt));
    // Act
    const late = table.store.transition(readBySweeper, expire(readBySweeper, new Date(createdAt.getTime() + 61_000)));
    // Assess
    await expect(late).rejects.toThrow(ConcurrentUpdateError);
    expect((await table.store.get(request.id))?.status).toBe('pending');
  });
});

describe('delegations on dynalite', () => {
  const at = new Date('2026-03-01T12:00:00.000Z');
  const delegation = (userId: string, delegate: string, until = '2026-03-02T00:00:00.000Z') => ({
    userId, delegate, from: '2026-03-01T00:00:00.000Z', until, setBy: userId, setAt: '2026-02-28T00:00:00.000Z',
  });

  it("finds a delegate's active delegations, and none once ended, expired or handed to someone else", async () => {
    await delegations.put(delegation('bob', 'alice'));
    await delegations.put(delegation('erin', 'alice', '2026-03-01T06:00:00.000Z'));
    await delegations.put(delegation('carol', 'alice'));
    expect((await delegations.activeFor('alice', at)).map((d) => d.userId).sort()).toEqual(['bob', 'carol']);

    await delegations.put(delegation('carol', 'dana'));
    expect(await delegations.remove('bob')).toMatchObject({ delegate: 'alice' });
    expect(await delegations.activeFor('alice', at)).toEqual([]);
    expect((await delegations.activeFor('dana', at)).map((d) => d.userId)).toEqual(['carol']);
    expect(await delegations.remove('bob')).toBeUndefined();
  });
});
