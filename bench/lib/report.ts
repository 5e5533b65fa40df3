import { formatValue, verdict, type Figure, type StoredPart } from './figure.ts';

export interface Machine {
  readonly nproc: number;
  readonly cpu: string;
  readonly node: string;
  readonly os: string;
  readonly memoryGb: number;
  readonly loadAverageBefore: number[];
  readonly loadAverageAfter: number[];
}

/** bench/results.json: every part's figures, by part id, from the latest run that ran it. */
export interface BenchResults {
  readonly ranAt: string;
  readonly machine: Machine;
  readonly durationSeconds: number;
  /** The parts this run measured; the others are kept from earlier runs (`--only`). */
  readonly ran: string[];
  readonly parts: Record<string, StoredPart>;
}

function sectionsOf(part: StoredPart): [string | undefined, Figure[]][] {
  const sections = new Map<string | undefined, Figure[]>();
  for (const figure of part.figures) sections.set(figure.section, [...(sections.get(figure.section) ?? []), figure]);
  return [...sections];
}

/** The console table: every figure with its target and whether it met it. */
export function printTable(r: BenchResults, ids: readonly string[]): void {
  const out: string[] = [];
  for (const id of ids) {
    const part = r.parts[id];
    if (!part) continue;
    out.push('', `${part.title}${part.quick ? ' (quick: harness check only)' : ''}`);
    for (const [section, figures] of sectionsOf(part)) {
      if (section) out.push(`  ${section}`);
      const width = Math.min(90, Math.max(...figures.map((f) => f.name.length)));
      const valueWidth = Math.min(60, Math.max(...figures.map((f) => formatValue(f).length)));
      for (const f of figures) out.push(`    ${f.name.padEnd(width)}  ${formatValue(f).padEnd(valueWidth)}  ${(f.target ?? '').padEnd(8)}  ${verdict(f)}`);
    }
  }
  const m = r.machine;
  out.push('', `machine: ${m.nproc} cores, ${m.cpu}, ${m.memoryGb} GB, Node ${m.node}; load average ${m.loadAverageBefore[0]} before, ${m.loadAverageAfter[0]} after; ran ${r.durationSeconds} s`);
  console.log(out.join('\n'));
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** docs/benchmarks.md, rendered from the results alone: any part, any figure. */
export function renderMarkdown(r: BenchResults, ids: readonly string[]): string {
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  const m = r.machine;
  push(
    '# Benchmarks',
    '',
    '<!-- Written by `npm run bench` (bench/run.ts) from bench/results.json; edit the bench, not this file. -->',
    '',
    `Latest run: ${r.ranAt}, ${r.durationSeconds} s, which measured ${r.ran.map((id) => `\`${id}\``).join(', ')}; each part below says when it ran. Raw figures: [bench/results.json](../bench/results.json).`,
    '',
    `Machine: ${m.nproc} cores (\`nproc\`), ${m.cpu}, ${m.memoryGb} GB RAM, Node ${m.node}, ${m.os}. ` +
      `Load average ${m.loadAverageBefore.join(' / ')} before and ${m.loadAverageAfter.join(' / ')} after the run (1 / 5 / 15 min): ` +
      'the machine is shared, so absolute times carry noise; ratios to a floor measured in the same run carry less, and are what the targets are set on.',
    '',
    'Everything runs locally: DynamoDB is dynalite (in the same Node process, in memory unless said otherwise), Step Functions is the local engine ' +
      'running our ASL, and HTTP goes through the local server on 127.0.0.1 that turns requests into API Gateway proxy events. ' +
      'The local engines are stand-ins: absolute latencies on AWS are dominated by network round trips instead, ' +
      'so the figures that carry over are the ratios, the counts (transitions, calls, capacity units), the bundles and their init.',
  );
  const missed: string[] = [];
  for (const id of ids) {
    const part = r.parts[id];
    if (!part) continue;
    const load = part.loadAverage === undefined ? '' : ` at load average ${part.loadAverage}`;
    push('', `## ${part.title}`, '', `Measured ${part.ranAt}${load}${part.quick ? ' (quick run: harness check only, the figures mean nothing)' : ''}.`);
    for (const [section, figures] of sectionsOf(part)) {
      if (section) push('', `### ${section}`);
      push('', '| figure | value | target | |', '|---|---|---|---|');
      for (const f of figures) push(`| ${cell(f.name)} | ${cell(formatValue(f))} | ${cell(f.target ?? '')} | ${f.met === undefined ? '' : f.met ? 'met' : '**missed**'} |`);
    }
    if (part.meaning) push('', part.meaning);
    for (const f of part.figures.filter((figure) => figure.met === false)) missed.push(part.misses?.[f.name] ?? `**${f.name}**: ${formatValue(f)} against ${f.target}.`);
  }
  push('', '## Targets missed, why, and what would close them', '');
  if (missed.length === 0) push('None.');
  else for (const text of [...new Set(missed)]) push(`- ${text}`);
  push(
    '',
    '## What the load, race and fault tests prove, and the gaps they document',
    '',
    'Beside these figures, `npm test` runs test/load (1,000 concurrent decisions on 100 paused executions; the sweeper racing approvers), ' +
      'test/faults (SendTaskSuccess throttled or gone, the sweeper killed mid-batch, channels down, the server SIGKILLed and restarted) ' +
      'and test/fuzz (over 10,000 generated bad inputs on every route and handler event). They show no decision is lost or doubled; they assert behaviour, never time: speed is measured here.',
    '',
    'One caveat holds only on AWS: locally a notification channel that never answers cannot stop a gate; on AWS the gate Lambda would hit its timeout and fail the task, so every channel needs its own deadline well under the gate function\'s timeout.',
    '',
  );
  return `${lines.join('\n')}\n`;
}
