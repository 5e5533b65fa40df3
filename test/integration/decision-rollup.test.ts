import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StatsRepository } from '#adapters/dynamodb/stats-repository';
import { rollupHorizon, ROLLUP_WINDOW_MS, tally, windowEnd } from '#core/decision-rollup';
import type { StatsSample } from '#core/decision-stats';
import type { DecisionRollup } from '#ports';
import { rollUpDecisions } from '#usecases/roll-up-decisions';
import { sweepExpired } from '#usecases/sweep-expired';
import { recordOnlyNotifier } from '#adapters/notify/record-only-notifier';
import { acceptingWorkflows } from '../support/accepting-workflows.ts';
import { storeDecision } from '../support/decided-requests.ts';
import { ManualClock } from '../support/fixtures.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';
import { expectedTotals, storedTotals, storeDecisionsOver, totalsOf } from '../support/rollup-fixtures.ts';

let table: LocalTable;
beforeEach(async () => {
  table = await startLocalTable();
});
afterEach(async () => table.close());

// Windows on both sides of midnight: a day's items end where the next day's begin.
const DAYS = ['2026-11-25', '2026-11-26'];
const FIRST_RUN = new Date('2026-11-25T23:55:00.000Z');

/** The table's client with every command held back a few milliseconds, so two runs interleave. */
function jittery(db: DynamoDBDocumentClient): DynamoDBDocumentClient {
  let n = 0;
  return { send: async (command: never) => (await new Promise((r) => setTimeout(r, (n++ * 7) % 4)), db.send(command)) } as unknown as DynamoDBDocumentClient;
}

/** The rollup's first run (it only sets its watermark), then 30 windows of decisions after it, then a clock past them all. */
async function decisionsAfterFirstRun() {
  const clock = new ManualClock(FIRST_RUN);
  const stats = new StatsRepository(table.db, table.tableName);
  await rollUpDecisions({ rollup: stats, clock });
  const start = await stats.watermark();
  expect(start).toBe(rollupHorizon(FIRST_RUN));
  const seeds = await storeDecisionsOver(table.store, new Date(start!), 30);
  clock.advance(40 * ROLLUP_WINDOW_MS);
  return { clock, stats, seeds };
}

describe('the rollup of decisions', () => {
  it('starts at the oldest decision on its first run, counting every decision of a new table', async () => {
    // Prepare: decisions of the last hour and of yesterday, before any rollup ran
    const seeds = [
      ...(await storeDecisionsOver(table.store, new Date('2026-11-24T08:00:00.000Z'), 3)),
      ...(await storeDecisionsOver(table.store, new Date('2026-11-25T23:00:00.000Z'), 20)),
    ];
    const stats = new StatsRepository(table.db, table.tableName);
    // Act
    const report = await rollUpDecisions({ rollup: stats, clock: new ManualClock(FIRST_RUN) });
    // Assess
    expect(report.decisions).toBe(seeds.filter((s) => s.outcome !== 'cancelled').length);
    expect(await stats.watermark()).toBe(rollupHorizon(FIRST_RUN));
    expect(await storedTotals(table.db, table.tableName, ['2026-11-24', ...DAYS])).toEqual(expectedTotals(seeds));
  });

  it('counts nothing on its first run where decisions were counted one by one, only setting its watermark at its horizon', async () => {
    // Prepare: decisions counted as they were made, by the version before the rollup
    const stats = new StatsRepository(table.db, table.tableName);
    const seeds = await storeDecisionsOver(table.store, new Date('2026-11-25T23:00:00.000Z'), 5);
    for (const seed of seeds.filter((s) => s.outcome !== 'cancelled')) {
      await stats.record({ day: seed.decidedAt.toISOString().slice(0, 10), workflowId: seed.workflowId, nodeId: 'agent', tool: seed.tool, outcome: seed.outcome as 'approved', secondsToDecision: 1 });
    }
    // Act
    const report = await rollUpDecisions({ rollup: stats, clock: new ManualClock(FIRST_RUN) });
    // Assess: what was counted stays counted once
    expect(report).toMatchObject({ windows: 0, decisions: 0 });
    expect(await stats.watermark()).toBe(rollupHorizon(FIRST_RUN));
    expect(await storedTotals(table.db, table.tableName, DAYS)).toEqual(expectedTotals(seeds));
  });

  it('counts every decision up to its horizon once, across days, and leaves cancellations out', async () => {
    // Prepare
    const { clock, stats, seeds } = await decisionsAfterFirstRun();
    // Act: two runs, the second finding nothing new
    const first = await rollUpDecisions({ rollup: stats, clock });
    const second = await rollUpDecisions({ rollup: stats, clock });
    // Assess
    expect(first.decisions).toBe(seeds.filter((s) => s.outcome !== 'cancelled').length);
    expect(second).toMatchObject({ windows: 0, decisions: 0 });
    expect(await stats.watermark()).toBe(rollupHorizon(clock.now()));
    expect(await storedTotals(table.db, table.tableName, DAYS)).toEqual(expectedTotals(seeds));
  });

  it('counts each decision once when two rollups run at once', async () => {
    // Prepare
    const { clock, seeds } = await decisionsAfterFirstRun();
    const one = new StatsRepository(jittery(table.db), table.tableName);
    const other = new StatsRepository(jittery(table.db), table.tableName);
    // Act
    await Promise.all([rollUpDecisions({ rollup: one, clock }), rollUpDecisions({ rollup: other, clock })]);
    // Assess
    expect(await storedTotals(table.db, table.tableName, DAYS)).toEqual(expectedTotals(seeds));
    expect(await one.watermark()).toBe(rollupHorizon(clock.now()));
  });

  it('publishes each counted decision to the metrics once when two rollups run at once, and nothing on a later run', async () => {
    // Prepare
    const { clock, seeds } = await decisionsAfterFirstRun();
    const published: StatsSample[] = [];
    const decisionMetrics = { record: async (sample: StatsSample) => void published.push(sample) };
    const one = new StatsRepository(jittery(table.db), table.tableName);
    const other = new StatsRepository(jittery(table.db), table.tableName);
    // Act
    await Promise.all([rollUpDecisions({ rollup: one, clock, decisionMetrics }), rollUpDecisions({ rollup: other, clock, decisionMetrics })]);
    const afterBoth = published.length;
    await rollUpDecisions({ rollup: one, clock, decisionMetrics });
    // Assess: as many samples as decisions, outcome by outcome, and none again
    const counted = seeds.filter((seed) => seed.outcome !== 'cancelled');
    const byOutcome = (outcomes: readonly string[]) => outcomes.reduce<Record<string, number>>((n, o) => ({ ...n, [o]: (n[o] ?? 0) + 1 }), {});
    expect(afterBoth).toBe(counted.length);
    expect(byOutcome(published.map((sample) => sample.outcome))).toEqual(byOutcome(counted.map((seed) => seed.outcome)));
    expect(published.length).toBe(afterBoth);
  });

  it('adds nothing twice from a run that read the watermark before another run counted everything', async () => {
    // Prepare: a run that stops before adding its first window until another run is done
    const { clock, stats, seeds } = await decisionsAfterFirstRun();
    let resume!: () => void;
    const held = new Promise<void>((r) => (resume = r));
    let started!: () => void;
    const holding = new Promise<void>((r) => (started = r));
    const slow: DecisionRollup = {
      watermark: () => stats.watermark(),
      start: (at) => stats.start(at),
      oldestDecision: () => stats.oldestDecision(),
      hasDecisionCounts: (day) => stats.hasDecisionCounts(day),
      decided: (from, to) => stats.decided(from, to),
      add: async (end, deltas) => (started(), await held, stats.add(end, deltas)),
      advance: (to) => stats.advance(to),
    };
    // Act
    const late = rollUpDecisions({ rollup: slow, clock });
    await holding;
    await rollUpDecisions({ rollup: stats, clock });
    resume();
    await late;
    // Assess
    expect(await storedTotals(table.db, table.tableName, DAYS)).toEqual(expectedTotals(seeds));
  });

  it('counts a decision near the horizon once: in the reading at once, in the items once its window is behind the margin', async () => {
    // Prepare: decisions just before the horizon, at it, and after it
    const clock = new ManualClock(FIRST_RUN);
    const stats = new StatsRepository(table.db, table.tableName);
    await rollUpDecisions({ rollup: stats, clock });
    clock.advance(10 * ROLLUP_WINDOW_MS);
    const horizon = Date.parse(rollupHorizon(clock.now()));
    const at = (ms: number) => ({ workflowId: 'wf-a', tool: 'send_email', outcome: 'approved' as const, createdAt: new Date(horizon - 60_000), decidedAt: new Date(horizon + ms) });
    for (const offset of [-1, 0, 30_000]) await storeDecision(table.store, at(offset));
    const range = [new Date('2026-11-25T00:00:00.000Z'), new Date('2026-11-26T23:59:59.999Z')] as const;

    // Act: a run at this horizon, then one a window later
    await rollUpDecisions({ rollup: stats, clock });
    const stored = await storedTotals(table.db, table.tableName, DAYS);
    const read = await stats.read(...range);
    clock.advance(ROLLUP_WINDOW_MS);
    await rollUpDecisions({ rollup: stats, clock });
    const storedLater = await storedTotals(table.db, table.tableName, DAYS);
    const readLater = await stats.read(...range);

    // Assess: the one before the horizon is in the items; the reading holds all three, once
    expect(stored['wf-a']?.approved).toBe(1);
    expect(totalsOf(read.rows)['wf-a']?.approved).toBe(3);
    expect(read.partialAfter).toBeUndefined();
    expect(storedLater['wf-a']?.approved).toBe(3);
    expect(totalsOf(readLater.rows)['wf-a']?.approved).toBe(3);
  });

  it('reads each decision once while a window is half added, and the next run adds the rest once', async () => {
    // Prepare: a run that added the first two windows, then one of the two items of the third, and died
    const { clock, stats, seeds } = await decisionsAfterFirstRun();
    let window = (await stats.watermark())!;
    let third: ReturnType<typeof tally> = [];
    for (let w = 0; w < 3; w++, window = windowEnd(window)) {
      const samples = [];
      for await (const sample of stats.decided(window, windowEnd(window))) samples.push(sample);
      const deltas = tally(samples);
      if (w === 2) third = deltas;
      await stats.add(windowEnd(window), w === 2 ? deltas.slice(0, 1) : deltas);
    }
    const range = [new Date('2026-11-25T00:00:00.000Z'), clock.now()] as const;
    // Act
    const halfway = await stats.read(...range);
    await rollUpDecisions({ rollup: stats, clock });
    const after = await stats.read(...range);
    // Assess
    expect(third.length).toBe(2);
    expect(totalsOf(halfway.rows)).toEqual(expectedTotals(seeds));
    expect(totalsOf(after.rows)).toEqual(expectedTotals(seeds));
    expect(await storedTotals(table.db, table.tableName, DAYS)).toEqual(expectedTotals(seeds));
  });

  it('runs in each sweep', async () => {
    // Prepare
    const { clock, stats, seeds } = await decisionsAfterFirstRun();
    // Act
    const report = await sweepExpired({ store: table.store, audit: table.audit, workflows: acceptingWorkflows().workflows, notifier: recordOnlyNotifier, clock, rollup: stats });
    // Assess
    expect(report).toMatchObject({ rolledUp: seeds.filter((s) => s.outcome !== 'cancelled').length, failed: 0 });
    expect(await storedTotals(table.db, table.tableName, DAYS)).toEqual(expectedTotals(seeds));
  });
});

describe('a reading of the statistics', () => {
  it('says up to when it is complete when more decisions wait for the rollup than it takes', async () => {
    // Prepare: 30 windows of decisions the rollup has not reached; a reading that takes 20 of them
    const clock = new ManualClock(FIRST_RUN);
    await rollUpDecisions({ rollup: new StatsRepository(table.db, table.tableName), clock });
    const stats = new StatsRepository(table.db, table.tableName, { maxTail: 20 });
    const seeds = await storeDecisionsOver(table.store, new Date((await stats.watermark())!), 30);
    const byTime = [...seeds].sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime());
    // Act
    const reading = await stats.read(new Date('2026-11-25T00:00:00.000Z'), new Date('2026-11-26T12:00:00.000Z'));
    const everything = await new StatsRepository(table.db, table.tableName).read(new Date('2026-11-25T00:00:00.000Z'), new Date('2026-11-26T12:00:00.000Z'));
    // Assess: partial after the 20th decision, and every decision before that time counted
    expect(reading.partialAfter).toBe(byTime[19]!.decidedAt.toISOString());
    expect(totalsOf(reading.rows)).toEqual(expectedTotals(byTime.slice(0, 20)));
    expect(everything.partialAfter).toBeUndefined();
    expect(totalsOf(everything.rows)).toEqual(expectedTotals(seeds));
  });
});
