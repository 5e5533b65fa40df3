import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GateRepository } from '#adapters/dynamodb/gate-repository';
import { ConcurrentUpdateError, ForbiddenError, ValidationError } from '#core/errors';
import { parseGate, type Gate } from '#core/gate';
import type { Clock } from '#ports';
import { saveGate, seedGateFiles, storedGateCatalog } from '#usecases/gate-revisions';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

const ADMIN = { userId: 'root', groups: ['admins'] };
const clock: Clock = { now: () => new Date('2026-12-05T01:00:00.000Z') };
let table: LocalTable;
let gateStore: GateRepository;
const deps = () => ({ gateStore, audit: table.audit, clock });

const gate = (id: string, timeoutSeconds = 1800): Gate => parseGate({ id, name: id, hitl: { mode: 'blocking', approvers: { groups: ['approvers'] }, timeoutSeconds } });

beforeAll(async () => {
  table = await startLocalTable();
  gateStore = new GateRepository(table.db, table.tableName);
});
afterAll(async () => table.close());

describe('gate revisions', () => {
  it('stores each file as revision 1 once, however often it is seeded', async () => {
    // Act
    await seedGateFiles(deps(), [gate('seed-once')]);
    await seedGateFiles(deps(), [gate('seed-once')]);

    // Assess
    const revisions = await gateStore.listRevisions('seed-once');
    expect(revisions.map((r) => [r.revision, r.source, r.savedBy])).toEqual([[1, 'file', 'system:file']]);
    expect((await table.audit.chain('gate:seed-once')).map((e) => e.kind)).toEqual(['gate_saved']);
  });

  it('stores a changed file as the next revision, unless an admin saved the gate since', async () => {
    // Prepare
    await seedGateFiles(deps(), [gate('file-follows'), gate('admin-keeps')]);
    await saveGate(deps(), { gateId: 'admin-keeps', body: gate('admin-keeps', 600), identity: ADMIN, adminGroups: ['admins'] });

    // Act
    await seedGateFiles(deps(), [gate('file-follows', 900), gate('admin-keeps', 900)]);

    // Assess
    const catalog = storedGateCatalog(gateStore);
    expect(await catalog.get('file-follows')).toMatchObject({ revision: 2, gate: { hitl: { timeoutSeconds: 900 } } });
    expect(await catalog.get('admin-keeps')).toMatchObject({ revision: 2, gate: { hitl: { timeoutSeconds: 600 } } });
    expect((await catalog.list()).map((g) => g.id)).toEqual(expect.arrayContaining(['admin-keeps', 'file-follows']));
  });

  it('lets only admins save, checks the body, and refuses a revision someone saved first', async () => {
    // Prepare
    await seedGateFiles(deps(), [gate('guarded')]);

    // Act & Assess
    await expect(saveGate(deps(), { gateId: 'guarded', body: gate('guarded'), identity: { userId: 'bob', groups: ['approvers'] }, adminGroups: ['admins'] })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(saveGate(deps(), { gateId: 'guarded', body: { id: 'guarded', name: 'x', hitl: { mode: 'audit' } }, identity: ADMIN, adminGroups: ['admins'] })).rejects.toBeInstanceOf(ValidationError);
    await expect(saveGate(deps(), { gateId: 'guarded', body: gate('other'), identity: ADMIN, adminGroups: ['admins'] })).rejects.toThrow(/not the gate in the path/);
    await expect(gateStore.add({ gateId: 'guarded', revision: 1, gate: gate('guarded'), source: 'api', savedBy: 'root', savedAt: clock.now().toISOString() })).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });
});
