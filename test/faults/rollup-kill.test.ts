import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StatsRepository } from '#adapters/dynamodb/stats-repository';
import { rollupHorizon, ROLLUP_WINDOW_MS } from '#core/decision-rollup';
import { rollUpDecisions } from '#usecases/roll-up-decisions';
import { ManualClock } from '../support/fixtures.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';
import { expectedTotals, storedTotals, storeDecisionsOver, totalsOf } from '../support/rollup-fixtures.ts';

const ROLLUP = fileURLToPath(new URL('../support/rollup-process.ts', import.meta.url));
const DAYS = ['2026-11-25', '2026-11-26'];

let table: LocalTable;
beforeEach(async () => {
  table = await startLocalTable();
});
afterEach(async () => table.close());

/** Runs the rollup in a process of its own that SIGKILLs itself at `dieAfter`; resolves with how it ended. */
function runRollupProcess(now: Date, dieAfter: Record<string, number>): Promise<{ signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ROLLUP], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HITL_DYNAMO_ENDPOINT: table.dynamo.endpoint,
      HITL_TABLE: table.tableName,
      HITL_NOW: now.toISOString(),
      ...Object.fromEntries(Object.entries(dieAfter).map(([name, n]) => [name, String(n)])),
    },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('exit', (_, signal) => resolve({ signal, output })));
}

describe('the rollup process is killed half way', () => {
  // The first windows hold one item's counts each (wf-a, then wf-b), the third window two.
  it.each([
    ['inside a window, with one of its two items added', { HITL_DIE_AFTER_STATS_WRITES: 3 }],
    ['after a window was added, before the watermark moved past it', { HITL_DIE_AFTER_STATS_WRITES: 2 }],
    ['after the watermark moved past a window', { HITL_DIE_AFTER_WATERMARK_MOVES: 2 }],
  ])('%s: the next run leaves every decision counted once', async (_, dieAfter) => {
    // Prepare: the rollup's first run, then 30 windows of decisions after its watermark
    const clock = new ManualClock(new Date('2026-11-25T23:55:00.000Z'));
    const stats = new StatsRepository(table.db, table.tableName);
    await rollUpDecisions({ rollup: stats, clock });
    const seeds = await storeDecisionsOver(table.store, new Date((await stats.watermark())!), 30);
    clock.advance(40 * ROLLUP_WINDOW_MS);

    // Act: a rollup is killed (SIGKILL) at the fault; the next runs
    const killed = await runRollupProcess(clock.now(), dieAfter);
    const afterKill = await storedTotals(table.db, table.tableName, DAYS);
    const readAfterKill = await stats.read(new Date('2026-11-25T00:00:00.000Z'), clock.now());
    await rollUpDecisions({ rollup: stats, clock });

    // Assess: the kill left some counted, not all; the reading was exact even then; now all are, once
    expect(killed, killed.output).toMatchObject({ signal: 'SIGKILL' });
    expect(Object.keys(afterKill).length).toBeGreaterThan(0);
    expect(afterKill).not.toEqual(expectedTotals(seeds));
    expect(totalsOf(readAfterKill.rows)).toEqual(expectedTotals(seeds));
    expect(await storedTotals(table.db, table.tableName, DAYS)).toEqual(expectedTotals(seeds));
    expect(await stats.watermark()).toBe(rollupHorizon(clock.now()));
  }, 60_000);
});
