/**
 * Runs one benchmark part in a fresh process (so parts do not share a heap or a warm JIT) and writes
 * its result as JSON to the file named by the second argument. Progress goes to stderr; the
 * handlers' own logs go to stdout, which the parent discards.
 */
import '#local/polyfills';
import { writeFileSync } from 'node:fs';
import { benchLatency } from '../latency.ts';
import { benchRespondPath } from '../respond-path.ts';
import { benchScale } from '../scale.ts';

const [part, out, quick] = process.argv.slice(2);
const log = (line: string) => process.stderr.write(`${line}\n`);
const parts: Record<string, () => Promise<unknown>> = {
  scale: () => benchScale(quick ? { sizes: [1_000, 5_000], samples: 100 } : {}, log),
  latency: () => benchLatency(quick ? { samples: 100, throughputCount: 300 } : {}, log),
  'respond-path': () => benchRespondPath(quick ? { samples: 100, counted: 5 } : {}, log),
};
if (!parts[part] || !out) throw new Error(`usage: part.ts <${Object.keys(parts).join('|')}> <out.json> [quick]`);
writeFileSync(out, JSON.stringify(await parts[part]()));
process.exit(0);
