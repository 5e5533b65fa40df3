import { inChild } from '../lib/child.ts';
import type { BenchPart, Figure, PartOutput } from '../lib/figure.ts';
import type { CallFigures, RespondPathResult } from '../respond-path.ts';

const CALLS = 'AWS calls per operation (SDK middleware on the local engines)';
const RATIOS = 'Respond and gate in process against their floors';
const operations = (c: CallFigures) =>
  Object.entries(c.byOperation)
    .map(([name, n]) => `${n} ${name}`)
    .join(' + ');

/** The respond critical path: AWS calls (total and sequential depth) and p50 ratios to floors (bench/respond-path.ts), in a fresh process. */
export const respondPathPart: BenchPart = {
  id: 'respond-path',
  title: 'Respond critical path',
  run: async ({ quick }) => respondPathFigures(await inChild<RespondPathResult>('respond-path', quick)),
};

export function respondPathFigures(r: RespondPathResult): PartOutput {
  const toSend = r.respondCalls.depthToSendTaskSuccess ?? Number.NaN;
  const figures: Figure[] = [
    { section: CALLS, name: 'respond: sequential AWS calls up to SendTaskSuccess', value: toSend, unit: '', target: '≤ 3', met: toSend <= 3 },
    { section: CALLS, name: 'respond: AWS calls in all', value: r.respondCalls.total, unit: '', detail: `${operations(r.respondCalls)}; sequential depth ${r.respondCalls.depth}` },
    { section: CALLS, name: 'gate: AWS calls in all', value: r.gateCalls.total, unit: '', detail: `${operations(r.gateCalls)}; sequential depth ${r.gateCalls.depth}` },
    { section: RATIOS, name: 'respond p50', value: r.respond.p50, unit: 'ms', detail: `floor (one conditional UpdateItem + SendTaskSuccess) ${r.respondFloor.p50.toFixed(2)} ms` },
    { section: RATIOS, name: 'respond p50 ratio to its floor (in process)', value: Number(r.respondRatio.toFixed(2)), unit: '×', target: '≤ 2.5×', met: r.respondRatio <= 2.5 },
    { section: RATIOS, name: 'respond over HTTP p50 ratio to the same floor', value: Number(r.respondHttpRatio.toFixed(2)), unit: '×' },
    { section: RATIOS, name: 'gate p50', value: r.gate.p50, unit: 'ms', detail: `floor (one conditional PutItem) ${r.gateFloor.p50.toFixed(2)} ms` },
    { section: RATIOS, name: 'gate p50 ratio to its floor (in process)', value: Number(r.gateRatio.toFixed(2)), unit: '×', target: '≤ 2×', met: r.gateRatio <= 2 },
  ];
  return {
    figures,
    raw: r,
    meaning:
      'Calls are counted by SDK middleware while a respond and a gate run on dynalite and the local Step Functions engine; depth is the longest chain of calls that wait for each other. On AWS a respond costs about its depth in round trips. The ratios time the same work in process against the writes nothing can avoid, measured in the same run.',
    misses: {
      'respond p50 ratio to its floor (in process)':
        `Locally every call runs in one Node process, so calls made beside each other still cost CPU one after another: the ratio follows the total number of calls (${r.respondCalls.total} against the floor's 2), not the depth; our own code (parsing, sealing the audit entry, the decision rules) is a few per cent of it. Beside the floor's two it makes the read that authorizes, and two more: the sealed audit entry (a conditional PutItem at its own key) and the one write that records the delivery and marks the entry done. Decisions are counted into the statistics later, by the sweeper's rollup over the decided timeline, not by respond. Neither write can join another: they are different items, and a batch write takes no condition, which keeps the audit chain append-only. Closing it needs the audit entry stored by a stream consumer of the request item (the sealed entry is on it already) and the delivery recorded there too, which leaves respond the read, the decision and SendTaskSuccess.`,
      'gate p50 ratio to its floor (in process)':
        `The gate makes ${r.gateCalls.total} calls (${operations(r.gateCalls)}) against the floor's one PutItem: the request and its execution pointer side by side, then the sealed audit entry beside the notice, then one write that notes the notice and marks both done. The pointer is what lists an execution's requests for the audit verification; the entry and the notice are the gate's follow-ups. Closing it locally needs them handed to a stream consumer of the request item, so the gate returns after its own two writes.`,
    },
  };
}
