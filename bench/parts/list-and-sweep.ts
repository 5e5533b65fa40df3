import { inChild } from '../lib/child.ts';
import type { BenchPart, Figure, PartOutput } from '../lib/figure.ts';
import type { ScaleResult } from '../scale.ts';

const LIST = 'List pending: GET /approvals?limit=50 over HTTP, 95% of stored requests decided';
const SWEEP = 'Sweeper: one run timing out 1,000 expired requests';

/** List pending and the sweeper as the backlog grows (bench/scale.ts), in a fresh process. */
export const listAndSweepPart: BenchPart = {
  id: 'scale',
  title: 'Growing backlog: list pending and the sweeper at 1k / 10k / 100k stored',
  run: async ({ quick }) => listAndSweepFigures(await inChild<ScaleResult>('scale', quick)),
};

/** The figures of a scale run. */
export function listAndSweepFigures(r: ScaleResult): PartOutput {
  const figures: Figure[] = [];
  const sizes = r.list.sizes;
  const last = sizes.at(-1)!;
  for (const size of sizes) {
    figures.push({
      section: LIST,
      name: `list p50 at ${size.stored.toLocaleString('en')} stored (${size.pending.toLocaleString('en')} pending)`,
      value: size.latency.p50,
      unit: 'ms',
      detail: `p99 ${size.latency.p99.toFixed(2)} ms${size.floor ? `; floor p50 ${size.floor.p50.toFixed(2)} ms` : ''}`,
    });
  }
  if (r.list.floorRatio !== undefined) {
    figures.push({
      section: LIST,
      name: `list p50 ratio to its floor at ${last.stored.toLocaleString('en')} stored`,
      value: Number(r.list.floorRatio.toFixed(2)),
      unit: '×',
      target: '≤ 2×',
      met: r.list.floorRatio <= 2,
    });
  }
  // Each size's list over its own floor, measured alongside it: the growth with the load of the
  // machine taken out, as other processes come and go over a long run.
  const normalized = sizes[0].floor && last.floor ? last.latency.p50 / last.floor.p50 / (sizes[0].latency.p50 / sizes[0].floor.p50) : undefined;
  figures.push({
    section: LIST,
    name: `list p50 ratio ${last.stored / 1000}k / ${sizes[0].stored / 1000}k`,
    value: Number(r.list.ratio.toFixed(2)),
    unit: '',
    ...(normalized === undefined ? {} : { detail: `each over its floor: ${normalized.toFixed(2)}` }),
    target: '≤ 1.3',
    met: r.list.ratio <= 1.3,
  });
  if (last.pageBytes !== undefined) {
    figures.push({ section: LIST, name: 'one page of 50 summaries, response body', value: Math.round(last.pageBytes / 1024), unit: 'KB', target: '≤ 64 KB', met: last.pageBytes <= 64 * 1024 });
  }
  for (const size of r.sweep.sizes) {
    figures.push({ section: SWEEP, name: `sweep of 1,000 among ${size.stored.toLocaleString('en')} stored`, value: size.medianMs, unit: 'ms', detail: `median of ${size.runsMs.length} runs` });
  }
  figures.push({ section: SWEEP, name: 'sweep ratio large / small', value: Number(r.sweep.ratio.toFixed(2)), unit: '', target: '≤ 1.3', met: r.sweep.ratio <= 1.3 });
  return {
    figures,
    raw: r,
    meaning:
      '**List pending** is one page of the approvals inbox. The pending index is sparse (only pending requests carry its keys) and split into 4 shards, so a page reads about 19 entries of each shard whatever the number of decided requests; the 100k / 1k ratio shows it. ' +
      'Its floor is a bare HTTP server on the loopback answering each GET with one Query page of 50 on the pending index (whole items, no routing, auth or mapping), timed in alternating blocks with the list. ' +
      'The 100k / 1k ratio compares times taken minutes apart; when other processes come or go in between, it follows the machine, while each size\'s ratio to its own floor (in parentheses) does not. ' +
      'Data is loaded with BatchWrite in the exact item format the repository writes (checked against the real repository first). ' +
      '**Sweeper** is one timeout sweep over 1,000 expired requests (each: a conditional write, an audit entry, delivery to the workflow and its record). It reads the sparse due index, so its cost follows what is due, not the table size. SendTaskSuccess answers at once here; the figure is the sweeper\'s own work.',
    misses: {
      [`list p50 ratio to its floor at ${last.stored.toLocaleString('en')} stored`]:
        `**List against its floor.** The floor reads one page of 50 from one partition of the pending index with one Query; the list merges the index's 4 shards, one Query each for about its share of the page (19 entries; now and then one more for a shard holding more than its share). Locally each Query costs its fixed overhead in the SDK and dynalite on the same CPU, so 4 small Queries cost more than one of 50; on AWS they run side by side and a page costs about one round trip. The route's own work (middy, authorization, the cursor, mapping items to summaries, validating the response) is small beside it. Closing it locally needs fewer shards to read: the default count of 4 is what about 1,000 decisions/s need.`,
      [`list p50 ratio ${last.stored / 1000}k / ${sizes[0].stored / 1000}k`]: '**List ratio.** A ratio above 1.3 means the table size leaks into a page (dynalite\'s in-memory tree grows; a Query on AWS does not).',
      'sweep ratio large / small': '**Sweeper ratio.** The sweep reads only the due index; a ratio above 1.3 would mean the table size leaks into it (dynalite\'s writes get slower as its in-memory tree grows, which AWS\'s do not).',
    },
  };
}
