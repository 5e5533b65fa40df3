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
      { name: 'the same, engine only (gate stores nothing)', value: Math.round(engineOnly.rssMb), unit: 'MB', detail: `heap ${engineOnly.heapUsedMb.toFixed(0)} MB, ${engineOnly.heapKbPerExecution.toFixed(1)} KB of heap per waiting execution` },
    ],
    raw: { full, engineOnly },
    meaning:
      'The RSS of one Node process running the local stack as `npm start` does (tsx, DynamoDB on disk) after the executions have paused at their gate, after a full GC. The engine-only line replaces the gate with a function that stores nothing, to show the engine\'s share.',
    misses: {
      [`RSS with ${full.executions.toLocaleString('en')} waiting approval-gate executions (npm start setup, DynamoDB on disk)`]: `**Local mode memory (measured ${full.rssMb.toFixed(0)} MB).** The engine parks a waiting execution as data (${full.parked.toLocaleString('en')} of ${full.running.toLocaleString('en')} parked; engine alone ${engineOnly.rssMb.toFixed(0)} MB RSS), and the local DynamoDB closes its Query and Scan iterators (dynalite left them open, which kept LevelDB's memtables and table files alive: the data folder grew to 583 MB for 10,000 gates, 40 MB now). What is left is mostly the process at start, ${full.baselineRssMb.toFixed(0)} MB before any execution: Node, tsx compiling TypeScript on the fly, the AWS SDK and every module loaded up front. To close: run the local stack from a prebuilt bundle (as Lambda does) instead of tsx, and load the flow editor, MCP and policy engine on first use.`,
    },
  };
}
