import type { BenchPart, PartOutput } from '../lib/figure.ts';
import { benchMemory, type MemoryResult } from '../memory.ts';

/** Local mode holding waiting executions (bench/memory.ts). */
export const memoryPart: BenchPart = {
  id: 'memory',
  title: 'Local mode memory',
  async run({ quick, log }) {
    const count = quick ? 1_000 : 10_000;
    return memoryFigures({ full: await benchMemory(count, log), engineOnly: await benchMemory(count, log, 'engine-only') });
  },
};

/** The figures of a memory run. */
export function memoryFigures({ full, engineOnly }: { full: MemoryResult; engineOnly: MemoryResult }): PartOutput {
  return {
    figures: [
      {
        name: `RSS with ${full.executions.toLocaleString('en')} waiting approval-gate executions (npm start setup, DynamoDB on disk)`,
        value: Math.round(full.rssMb),
        unit: 'MB',
        detail: `idle 20 s, no GC forced: ${full.rssAnonMb?.toFixed(0) ?? '?'} MB anonymous (JS heap ${full.heapUsedMb.toFixed(0)} MB used of ${full.heapTotalMb.toFixed(0)}), ${full.rssFileMb?.toFixed(0) ?? '?'} MB file-backed; after forced full GCs ${full.rssAfterGcMb.toFixed(0)} MB (heap ${full.heapUsedAfterGcMb.toFixed(0)} MB used of ${full.heapTotalAfterGcMb.toFixed(0)}), ${full.heapKbPerExecution.toFixed(1)} KB of live heap per execution; at start ${full.baselineRssMb.toFixed(0)} MB, peak ${full.peakRssMb.toFixed(0)} MB`,
        target: '≤ 250 MB',
        met: full.rssMb <= 250,
      },
      ...(full.storeWritesPerExecution === null
        ? []
        : [
            {
              name: 'DynamoDB writes per gate, and the bytes they send',
              value: Number(full.storeWritesPerExecution.toFixed(1)),
              unit: '',
              detail: `${full.storeWriteKbPerExecution?.toFixed(1)} KB; data folder ${full.dataFolderMb?.toFixed(1)} MB after ${full.executions.toLocaleString('en')} gates (DynamoDB ${full.dynamoFolderMb?.toFixed(1)} MB)`,
            },
          ]),
      { name: 'the same, engine only (gate stores nothing)', value: Math.round(engineOnly.rssMb), unit: 'MB', detail: `heap ${engineOnly.heapUsedMb.toFixed(0)} MB; after forced full GCs ${engineOnly.rssAfterGcMb.toFixed(0)} MB, ${engineOnly.heapKbPerExecution.toFixed(1)} KB of live heap per waiting execution` },
    ],
    raw: { full, engineOnly },
    meaning:
      'The RSS of one Node process running the local stack as `npm start` does (the same esbuild bundle, the same node options from package.json\'s start script, DynamoDB on disk), 20 s after the last execution paused at its gate, with no GC forced: what the process really holds. The detail adds the same process after forced full GCs (what stays alive). The engine-only line replaces the gate with a function that stores nothing, to show the engine\'s share.',
    misses: {
      [`RSS with ${full.executions.toLocaleString('en')} waiting approval-gate executions (npm start setup, DynamoDB on disk)`]: `**Local mode memory (measured ${full.rssMb.toFixed(0)} MB).** \`npm start\` runs the local stack as a bundle with plain node (no TypeScript compiler, no esbuild service at run time) and a small young generation, the engine parks a waiting execution as data (${full.parked.toLocaleString('en')} of ${full.running.toLocaleString('en')} parked; engine alone ${engineOnly.rssMb.toFixed(0)} MB RSS), and the local DynamoDB closes its iterators. What is left: the process at start, ${full.baselineRssMb.toFixed(0)} MB before any execution (Node itself, the AWS SDK, the MCP SDK and the policy engine loaded up front), the live heap (${full.heapKbPerExecution.toFixed(1)} KB per waiting execution) and the C heap that LevelDB and the loopback sockets leave fragmented after a burst. To close: load the MCP SDK and the policy engine on first use, and keep less per parked execution (one timer for every parked token instead of one each).`,
    },
  };
}
