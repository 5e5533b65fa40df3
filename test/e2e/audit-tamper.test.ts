import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKeys } from '#adapters/dynamodb/audit-repository';
import { requestChainId } from '#core/audit-chain';
import { LOCAL_TABLE_NAME, startLocalApp, type LocalApp } from '#local/app';
import { ManualClock } from '../support/fixtures.ts';
import { call } from '../support/http.ts';
import { startPausedExecutions } from '../support/paused-executions.ts';

const AUDITOR = { 'x-user': 'root', 'x-groups': 'approvers,admins' };

let app: LocalApp;
let db: DynamoDBDocumentClient;
const clock = new ManualClock(new Date());
beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [], clock });
  db = (app.deps.audit as unknown as { db: DynamoDBDocumentClient }).db;
});
afterAll(async () => app.close());

/** A request whose audit chain has four entries: paused, escalated twice, decided. */
async function chainOfFour(): Promise<Chain> {
  const level = { approvers: { users: [], groups: ['approvers'] }, timeoutSeconds: 60 };
  const [paused] = await startPausedExecutions(app, 1, { hitl: { timeoutSeconds: 60, onTimeout: 'escalate', escalation: [level, level] } });
  for (let i = 0; i < 2; i++) {
    clock.advance(61_000);
    await app.sweep();
  }
  expect((await call(app.url, 'POST', `/approvals/${paused.requestId}/respond`, { body: { decision: 'approve' } })).status).toBe(200);
  const intact = await verify(paused);
  expect(intact).toMatchObject({ ok: true, entries: 4 });
  return { executionArn: paused.executionArn, chain: requestChainId(paused.requestId) };
}

interface Chain {
  readonly executionArn: string;
  readonly chain: string;
}

async function verify({ executionArn }: { executionArn: string }) {
  return (await call(app.url, 'GET', `/audit/verify?execution=${encodeURIComponent(executionArn)}`, { as: AUDITOR })).body;
}

const key = ({ executionArn, chain }: Chain, seq: number) => ({ pk: auditKeys.pk(executionArn), sk: auditKeys.chainSk(chain, seq) });

async function item(chain: Chain, seq: number): Promise<Record<string, unknown>> {
  const { Item } = await db.send(new GetCommand({ TableName: LOCAL_TABLE_NAME, Key: key(chain, seq) }));
  return Item!;
}

async function remove(chain: Chain, seq: number): Promise<void> {
  await db.send(new DeleteCommand({ TableName: LOCAL_TABLE_NAME, Key: key(chain, seq) }));
}

/** Writes `entry` (a whole stored item) at position `seq` of the chain. */
async function putAt(chain: Chain, seq: number, entry: Record<string, unknown>): Promise<void> {
  await db.send(new PutCommand({ TableName: LOCAL_TABLE_NAME, Item: { ...entry, ...key(chain, seq) } }));
}

describe('tamper-evident audit log: deleted and reordered entries', () => {
  it('names a deleted entry in the middle of the chain, and a deleted first entry', async () => {
    const middle = await chainOfFour();
    const first = await chainOfFour();

    await remove(middle, 2);
    await remove(first, 1);

    expect(await verify(middle)).toMatchObject({ ok: false, entries: 3, brokenAt: 2, problem: `entry 2 is missing of the chain of ${middle.chain}`, chain: middle.chain });
    expect(await verify(first)).toMatchObject({ ok: false, entries: 3, brokenAt: 1, problem: `entry 1 is missing of the chain of ${first.chain}` });
  });

  it('names a deleted entry whose successors were renumbered to close the gap', async () => {
    const chain = await chainOfFour();
    const [third, fourth] = [await item(chain, 3), await item(chain, 4)];

    await putAt(chain, 2, { ...third, seq: 2 });
    await putAt(chain, 3, { ...fourth, seq: 3 });
    await remove(chain, 4);

    expect(await verify(chain)).toMatchObject({ ok: false, entries: 3, brokenAt: 2 });
  });

  it('names the first entry out of place when two entries swap places', async () => {
    // Prepare: one chain where the items swap wholesale, one where they also take each other's numbers
    const swapped = await chainOfFour();
    const renumbered = await chainOfFour();
    const [a2, a3] = [await item(swapped, 2), await item(swapped, 3)];
    const [b2, b3] = [await item(renumbered, 2), await item(renumbered, 3)];

    // Act
    await putAt(swapped, 2, a3);
    await putAt(swapped, 3, a2);
    await putAt(renumbered, 2, { ...b3, seq: 2 });
    await putAt(renumbered, 3, { ...b2, seq: 3 });

    // Assess
    expect(await verify(swapped)).toMatchObject({ ok: false, entries: 4, brokenAt: 2, problem: `entry 2 is missing of the chain of ${swapped.chain}` });
    expect(await verify(renumbered)).toMatchObject({ ok: false, entries: 4, brokenAt: 2, problem: `entry 2 does not link to entry 1 of the chain of ${renumbered.chain}` });
  });
});
