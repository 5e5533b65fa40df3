import { rollupHorizon, tally, windowEnd, windowOf, type DecidedSample } from '#core/decision-rollup';
import type { Clock, DecisionMetrics, DecisionRollup } from '#ports';

export interface RollupDeps {
  readonly rollup: DecisionRollup;
  readonly clock: Clock;
  /** Where each counted decision is published as well (CloudWatch metrics on AWS); at most once. */
  readonly decisionMetrics?: DecisionMetrics;
}

export interface RollupOptions {
  /** Wall time (Date.now()) after which no new window starts; the rest wait for the next run. */
  readonly deadline?: number;
}

export interface RollupReport {
  /** Windows this run counted (a window that another run counted first is included). */
  readonly windows: number;
  readonly decisions: number;
  /** The watermark as this run left it. */
  readonly upTo?: string;
}

/**
 * Counts decisions into the statistics from the decided timeline, a window at a time (see
 * ROLLUP_WINDOW_MS), from the watermark up to the settle margin behind the clock. Each item a window
 * touches takes its counts in one conditional write that also marks the window on it, then the
 * watermark moves past the window. Whatever stops a run half way, and however many run at once,
 * every decision is counted once:
 * - windows end behind the settle margin, so each holds the same decisions for every run;
 * - a run adds a window only after it added (or found added) every window before it, so an item that
 *   has a window's mark has every earlier window it belongs to, and a repeat adds nothing to it;
 * - the watermark only moves forward, and only over windows that are added.
 * The first run starts at the oldest decision, or at its horizon where decisions were counted one by
 * one before (see firstWatermark).
 */
export async function rollUpDecisions(deps: RollupDeps, options: RollupOptions = {}): Promise<RollupReport> {
  const horizon = rollupHorizon(deps.clock.now());
  let from = await deps.rollup.watermark();
  if (from === undefined) {
    await deps.rollup.start(await firstWatermark(deps.rollup, horizon));
    from = (await deps.rollup.watermark())!;
  }
  if (from >= horizon) return { windows: 0, decisions: 0, upTo: from };

  let windows = 0;
  let decisions = 0;
  let upTo = from;
  const count = async (start: string, samples: readonly DecidedSample[]) => {
    const end = windowEnd(start);
    await deps.rollup.add(end, tally(samples));
    const moved = await deps.rollup.advance(end);
    // Only the run that moved the watermark over the window publishes it, so a repeat does not.
    if (moved && deps.decisionMetrics) await Promise.allSettled(samples.map((sample) => deps.decisionMetrics!.record(sample)));
    windows++;
    decisions += samples.length;
    upTo = end;
  };

  let window: string | undefined;
  let samples: DecidedSample[] = [];
  for await (const sample of deps.rollup.decided(from, horizon)) {
    const start = windowOf(sample.decidedAt);
    if (window !== undefined && start !== window) {
      await count(window, samples);
      samples = [];
      if (options.deadline !== undefined && Date.now() >= options.deadline) return { windows, decisions, upTo };
    }
    window = start;
    samples.push(sample);
  }
  if (window !== undefined) await count(window, samples);
  // The windows up to the horizon that hold no decision are counted too.
  if (await deps.rollup.advance(horizon)) upTo = horizon;
  return { windows, decisions, upTo };
}

/** Days looked at for counts made one by one, back from the horizon. */
const UPGRADE_LOOKBACK_DAYS = 400;
const DAY_MS = 86_400_000;

/**
 * Where the first rollup starts. A version before the rollup counted each decision as it was made,
 * into the same items: where any day since the oldest decision holds such counts, counting the
 * timeline again would count those decisions twice, so the rollup starts at its horizon (the
 * decisions before it stay counted as they were). Otherwise (a new table, or statistics never kept)
 * it starts at the oldest decision and counts them all.
 */
async function firstWatermark(rollup: DecisionRollup, horizon: string): Promise<string> {
  const oldest = await rollup.oldestDecision();
  if (oldest === undefined || oldest >= horizon) return horizon;
  const first = Math.max(Date.parse(oldest.slice(0, 10)), Date.parse(horizon.slice(0, 10)) - UPGRADE_LOOKBACK_DAYS * DAY_MS);
  // Newest day first: a deployment that counted decisions counted some lately.
  for (let day = Date.parse(horizon.slice(0, 10)); day >= first; day -= DAY_MS) {
    if (await rollup.hasDecisionCounts(new Date(day).toISOString().slice(0, 10))) return horizon;
  }
  return windowOf(oldest);
}
