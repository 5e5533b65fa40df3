import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApprovalRequest } from '#usecases/create-approval-request';
import { depsOn } from '../support/app-deps.ts';
import { gateInput } from '../support/fixtures.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

let table: LocalTable;
const writes: string[] = [];
beforeAll(async () => {
  table = await startLocalTable();
  table.db.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String((context as { commandName?: string }).commandName);
      if (/^(Put|Update|Delete|Get)Item|Write|Query/.test(command)) writes.push(command);
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
});
afterAll(async () => table.close());

describe('the writes of a gate', () => {
  it('record the notice, mark the follow-ups done and leave the owed list in one write, reading nothing back', async () => {
    // Prepare
    const { deps } = depsOn(table);
    const input = gateInput();
    writes.length = 0;

    // Act
    const { requestId } = await createApprovalRequest(deps, input);

    // Assess: request, execution pointer, audit entry, then one write that notes the notice and marks
    // the follow-ups done; every rewrite of the request item is another item-sized write on AWS and
    // more garbage for the local LevelDB, and the notifier gets the request as written, not read back
    expect(writes).toEqual(['PutItemCommand', 'PutItemCommand', 'PutItemCommand', 'UpdateItemCommand']);
    expect(await table.store.owedFollowUps(requestId)).toEqual([]);
    expect((await table.store.listOwed(new Date(Date.now() + 3_600_000), 100)).ids).not.toContain(requestId);
    const stored = await table.store.get(requestId);
    expect(stored?.events.map((e) => e.type)).toEqual(['created', 'notified']);
    expect((await table.audit.chain(input.executionId)).map((e) => e.kind)).toEqual(['gate_paused']);
  });
});
