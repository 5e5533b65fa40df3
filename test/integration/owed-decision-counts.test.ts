import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StatsRepository } from '#adapters/dynamodb/stats-repository';
import { ROLLUP_WINDOW_MS } from '#core/decision-rollup';
import { followUp } from '#core/follow-up';
import { owe, performFollowUps } from '#usecases/perform-follow-ups';
import { rollUpDecisions } from '#usecases/roll-up-decisions';
import { storeDecision } from '../support/decided-requests.ts';
import { ManualClock } from '../support/fixtures.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';
import { totalsOf } from '../support/rollup-fixtures.ts';

let table: LocalTable;
beforeEach(async () => {
  table = await startLocalTable();
});
afterEach(async () => table.close());

/** A decision stored as the version before stored it: owing its own count (`stats:decision`). */
async function decisionOwingItsCount(decidedAt: Date): Promise<string> {
  const at = decidedAt.toISOString();
  const seed = { workflowId: 'wf-old', tool: 'send_email', outcome: 'approved' as const, createdAt: new Date(decidedAt.getTime() - 5_000), decidedAt };
  return (await storeDecision(table.store, seed, owe([followUp.stats('approved', at, 0)], at))).id;
}

describe('a decision count owed by the version before the rollup', () => {
  it('is counted by the follow-up before the watermark and by the rollup after it, never by both', async () => {
    // Prepare: the rollup's first run; one owing decision before its watermark, one after
    const clock = new ManualClock(new Date('2026-11-25T10:00:00.000Z'));
    const stats = new StatsRepository(table.db, table.tableName);
    await rollUpDecisions({ rollup: stats, clock });
    const watermark = Date.parse((await stats.watermark())!);
    const before = await decisionOwingItsCount(new Date(watermark - 10 * ROLLUP_WINDOW_MS));
    const after = await decisionOwingItsCount(new Date(watermark + ROLLUP_WINDOW_MS));
    clock.advance(10 * ROLLUP_WINDOW_MS);

    // Act: the sweeper's repairs, then its rollup, and a reading
    const repairs = [await performFollowUps({ ...table, clock, stats }, before), await performFollowUps({ ...table, clock, stats }, after)];
    await rollUpDecisions({ rollup: stats, clock });
    const reading = await stats.read(new Date('2026-11-25T00:00:00.000Z'), clock.now());

    // Assess: both follow-ups done, and each decision counted once: the one before the watermark by
    // its follow-up, the one after it by the rollup (its follow-up marked done without counting)
    expect(repairs.map((r) => r.done)).toEqual([['stats:decision'], ['stats:decision']]);
    expect(await table.store.owedFollowUps(before)).toEqual([]);
    expect(await table.store.owedFollowUps(after)).toEqual([]);
    expect(totalsOf(reading.rows)['wf-old']?.approved).toBe(2);
  });

  it('stays owed until the rollup has set its watermark', async () => {
    // Prepare: no rollup has run
    const clock = new ManualClock(new Date('2026-11-25T10:00:00.000Z'));
    const stats = new StatsRepository(table.db, table.tableName);
    const id = await decisionOwingItsCount(new Date('2026-11-25T09:50:00.000Z'));
    // Act
    const report = await performFollowUps({ ...table, clock, stats }, id);
    // Assess
    expect(report.done).toEqual([]);
    expect(report.left.map((l) => l.id)).toEqual(['stats:decision']);
    expect((await table.store.owedFollowUps(id)).map((f) => f.id)).toEqual(['stats:decision']);
  });
});
