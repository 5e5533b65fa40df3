/**
 * What every bench part reports, and how `bench/run.ts` runs it. A part measures something and
 * returns figures; the runner prints them, stores them in bench/results.json and renders
 * docs/benchmarks.md from them, whatever the part.
 */

/** One measured figure. Name ratios `... ratio ...`, so they can be found in results.json. */
export interface Figure {
  readonly name: string;
  readonly value: number | string;
  /** `ms`, `KB`, `×`, `/s`, `MB`, `$`, or '' for a count or a text. */
  readonly unit: string;
  /** The target as a reader should see it: `≤ 2×`, `≤ 64 KB`. */
  readonly target?: string;
  /** Whether the value meets `target`. */
  readonly met?: boolean;
  /** Shown after the value in parentheses: `p99 3.1 ms`, `SDK 80%`. */
  readonly detail?: string;
  /** A sub-heading inside the part; figures with the same one are grouped. */
  readonly section?: string;
}

export interface PartOutput {
  readonly figures: Figure[];
  /** What the figures mean and how they were measured (markdown, one paragraph). */
  readonly meaning?: string;
  /** Why a target is missed and what would close it, by figure name; rendered when that figure misses. */
  readonly misses?: Readonly<Record<string, string>>;
  /** The raw measurements, kept in results.json for later parts (cost) and for readers. */
  readonly raw?: unknown;
}

export interface StoredPart extends PartOutput {
  readonly title: string;
  readonly ranAt: string;
  readonly quick: boolean;
  /** The machine's 1-minute load average when the part finished: other processes' share of the cores. */
  readonly loadAverage?: number;
}

export interface BenchContext {
  /** Small sizes to check the harness; figures mean nothing. */
  readonly quick: boolean;
  readonly log: (line: string) => void;
  /** Parts that ran before this one in this run, or in an earlier run (`--only`), by id. */
  readonly earlier: Readonly<Record<string, StoredPart>>;
}

/** One line in `PARTS` of bench/run.ts. */
export interface BenchPart {
  readonly id: string;
  readonly title: string;
  run(context: BenchContext): Promise<PartOutput>;
}

/** A figure's value with its unit and detail, for tables. */
export function formatValue(figure: Figure): string {
  const value = typeof figure.value === 'number' ? formatNumber(figure.value) : figure.value;
  const unit = figure.unit === '' ? '' : figure.unit === '×' || figure.unit === '%' || figure.unit === '/s' ? figure.unit : figure.unit === '$' ? '' : ` ${figure.unit}`;
  const text = figure.unit === '$' ? `$${value}` : `${value}${unit}`;
  return figure.detail ? `${text} (${figure.detail})` : text;
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return x.toLocaleString('en');
  const abs = Math.abs(x);
  if (abs !== 0 && abs < 0.1) return x.toPrecision(2);
  if (abs < 10) return x.toFixed(2);
  if (abs < 999.95) return x.toFixed(1);
  return Math.round(x).toLocaleString('en');
}

/** `met`, `MISSED` or nothing when the figure has no target. */
export function verdict(figure: Figure): string {
  return figure.met === undefined ? '' : figure.met ? 'met' : 'MISSED';
}
