import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '#core/errors';
import { createApprovalRequest } from '#usecases/create-approval-request';
import { respond } from '#usecases/respond';
import { gateInput, hitl } from '../support/fixtures.ts';
import { depsOn } from '../support/app-deps.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(async () => table.close());

const voter = (k: number) => ({ userId: `voter-${k}`, groups: ['approvers'] });
const approve = { decision: 'approve' as const, scope: 'once' as const, channel: 'api' };

describe('edited votes and the size of a request', () => {
  it('refuses an edit that no longer fits with 400 naming editedArgs, and the proposed arguments still decide', async () => {
    // Prepare: a 3-of-n node, a tool without a schema here, and edits of 60 KB each (the API takes bodies up to 64 KB)
    const { deps, pausedTask } = depsOn(table);
    const { taskToken } = await pausedTask();
    const input = gateInput({ taskToken, hitl: hitl({ quorum: { approvals: 3 } }), action: { kind: 'tool_call', toolCall: { id: 'c1', name: 'crm_note', args: { note: 'short' } } } });
    const { requestId } = await createApprovalRequest(deps, input);
    const outcomes: string[] = [];
    // Act
    for (let k = 0; k < 8; k++) {
      try {
        const result = await respond(deps, { ...approve, editedArgs: { note: `${k}`.repeat(60_000) }, id: requestId, identity: voter(k) });
        outcomes.push(result.delivery);
      } catch (error) {
        outcomes.push(error instanceof ValidationError ? `400 ${error.issues[0]?.path}` : `failed: ${(error as Error).name}`);
      }
    }
    const decided = [90, 91, 92].map((k) => respond(deps, { ...approve, id: requestId, identity: voter(k) }));
    const last = (await Promise.allSettled(decided)).map((r) => (r.status === 'fulfilled' ? r.value.delivery : (r.reason as Error).name));
    const stored = await table.store.get(requestId);
    // Assess
    expect(outcomes.filter((o) => o === 'awaiting_votes').length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.startsWith('failed'))).toEqual([]);
    expect(outcomes.at(-1)).toBe('400 editedArgs');
    expect(last.filter((d) => d === 'delivered')).toHaveLength(1);
    expect(stored?.status).toBe('approved');
    expect(stored?.decision?.editedArgs).toBeUndefined();
  });
});
