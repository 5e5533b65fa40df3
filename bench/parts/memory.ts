import type { BenchPart, PartOutput } from '../lib/figure.ts';
import { benchMemory, type MemoryResult } from '../memory.ts';

/** Local mode holding waiting executions (bench/memory.ts). */
export const memoryPart: BenchPart = {
  id: 'memory',
  title: 'Local mode memory',
  async run({ quick, log }) {
    const count = quick ? 1_000 : 10_000;
    return memoryFigures({ full: benchMemory(count, log), engineOnly: benchMemory(count, log, 'engine-only') });
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
        detail: `${full.rssAnonMb?.toFixed(0) ?? '?'} MB anonymous (JS heap ${full.heapUsedMb.toFixed(0)} MB used of ${full.heapTotalMb.toFixed(0)}), ${full.rssFileMb?.toFixed(0) ?? '?'} MB file-backed; ${full.heapKbPerExecution.toFixed(1)} KB of heap per execution; at start ${full.baselineRssMb.toFixed(0)} MB, peak ${full.peakRssMb.toFixed(0)} MB`,
        target: '≤ 250 MB',
        met: full.rssMb <= 250,
      },
      { name: 'the same, engine only (gate stores nothing)', value: Math.round(engineOnly.rssMb), unit: 'MB', detail: `heap ${engineOnly.heapUsedMb.toFixed(0)} MB, ${engineOnly.heapKbPerExecution.toFixed(1)} KB of heap per waiting execution` },
    ],
    raw: { full, engineOnly },
    meaning:
      'The RSS of one Node process running the local stack as `npm start` does (tsx, DynamoDB on disk) after the executions have paused at their gate, after a full GC. The engine-only line replaces the gate with a function that stores nothing, to show the engine\'s share.',
    misses: {
      [`RSS with ${full.executions.toLocaleString('en')} waiting approval-gate executions (npm start setup, DynamoDB on disk)`]: `**Local mode memory (measured ${full.rssMb.toFixed(0)} MB).** The engine parks a waiting execution as data (${full.parked.toLocaleString('en')} of ${full.running.toLocaleString('en')} parked; ${engineOnly.heapKbPerExecution.toFixed(1)} KB of heap each, engine alone ${engineOnly.rssMb.toFixed(0)} MB RSS), so what is left is the local DynamoDB: LevelDB's memory-mapped table files (file-backed pages) and the native memory kept after the start-up peak. To close: write less per gate, and open LevelDB without memory-mapped reads.`,
    },
  };
}
