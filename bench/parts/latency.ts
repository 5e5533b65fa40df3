import { inChild } from '../lib/child.ts';
import type { BenchPart, Figure, PartOutput } from '../lib/figure.ts';
import type { LatencyResult } from '../latency.ts';

const GATE = 'Gate: request stored and notification recorded (gate handler in process)';
const RESPOND = 'Respond: POST /approvals/{id}/respond over HTTP, decision stored and SendTaskSuccess accepted';
const calls = (c: Record<string, number>) => Math.round(Object.values(c).reduce((a, b) => a + b, 0));
const callsOf = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([name, n]) => `${Math.round(n)} ${name}`)
    .join(' + ');

/** Gate and respond against their floors, respond throughput and the capacity of one approval (bench/latency.ts), in a fresh process. */
export const latencyPart: BenchPart = {
  id: 'latency',
  title: 'Gate and respond against their floors',
  run: async ({ quick }) => latencyFigures(await inChild<LatencyResult>('latency', quick)),
};

/** The figures of a latency run. */
export function latencyFigures(l: LatencyResult): PartOutput {
  const gateRatio = l.gate.p50 / l.gateFloor.p50;
  const respondRatio = l.respond.p50 / l.respondFloor.p50;
  const t = l.respondThroughput;
  const figures: Figure[] = [
    { section: GATE, name: 'gate p50', value: l.gate.p50, unit: 'ms', detail: `p99 ${l.gate.p99.toFixed(2)} ms; ${callsOf(l.capacity.gate.calls)} DynamoDB calls` },
    { section: GATE, name: 'gate floor p50: one conditional PutItem of the same item', value: l.gateFloor.p50, unit: 'ms', detail: `p99 ${l.gateFloor.p99.toFixed(2)} ms` },
    { section: GATE, name: 'gate p50 ratio to its floor', value: Number(gateRatio.toFixed(2)), unit: '×', target: '≤ 2×', met: gateRatio <= 2 },
    { section: RESPOND, name: 'respond p50', value: l.respond.p50, unit: 'ms', detail: `p99 ${l.respond.p99.toFixed(2)} ms; ${callsOf(l.capacity.respond.calls)} DynamoDB calls + 1 SendTaskSuccess` },
    { section: RESPOND, name: 'respond floor p50: one conditional UpdateItem + one SendTaskSuccess', value: l.respondFloor.p50, unit: 'ms', detail: `p99 ${l.respondFloor.p99.toFixed(2)} ms` },
    { section: RESPOND, name: 'respond p50 ratio to its floor', value: Number(respondRatio.toFixed(2)), unit: '×', target: '≤ 2.5×', met: respondRatio <= 2.5 },
    { section: RESPOND, name: `respond throughput, ${t.count} decisions at concurrency ${t.concurrency}`, value: Math.round(t.perSecond), unit: '/s', detail: `p50 ${t.latency.p50.toFixed(1)} ms, p99 ${t.latency.p99.toFixed(1)} ms`, target: '≥ 400/s', met: t.perSecond >= 400 },
  ];
  if (l.gateFailures?.count) figures.push({ section: RESPOND, name: 'gate invocations that failed while preparing paused executions (replaced)', value: l.gateFailures.count, unit: '', detail: l.gateFailures.errors[0] ?? '' });
  return {
    figures,
    raw: l,
    meaning:
      '**Gate** is the gate Lambda\'s work: store the request with its task token, the execution pointer, the audit entry, the notification and its history event. The floor is the one write that cannot be avoided. ' +
      '**Respond** is an approver\'s decision end to end over HTTP: read the request, authorize, one conditional write, SendTaskSuccess beside the audit entry, the delivery record and the answer (decisions are counted into the statistics later, by the sweeper\'s rollup). The floor is the conditional write plus SendTaskSuccess. ' +
      'Throughput is decisions per second with 16 approvers answering different requests at once, all in one Node process: dynalite in its worker thread (unless HITL_DYNAMODB_THREAD=main), the server, the handlers, the AWS SDK client, the engine and the load generator in the main thread.',
    misses: {
      'gate p50 ratio to its floor': `**Gate against its floor (measured ${gateRatio.toFixed(1)}×).** The gate makes ${calls(l.capacity.gate.calls)} DynamoDB calls (the request and its pointer, the audit entry beside the notice, then one write that notes the notice and marks both done) where the floor makes one: it finishes its own follow-ups before it returns. Only an outbox drained promptly would close it (DynamoDB Streams on AWS; locally, where dynalite has no streams, a drain loop over the owed index).`,
      'respond p50 ratio to its floor': `**Respond against its floor (measured ${respondRatio.toFixed(1)}×).** A decision makes ${calls(l.capacity.respond.calls)} DynamoDB calls plus SendTaskSuccess, where the floor makes one call plus SendTaskSuccess, and it crosses the local HTTP server, which the floor does not.`,
      [`respond throughput, ${t.count} decisions at concurrency ${t.concurrency}`]: `**Respond throughput (measured ${Math.round(t.perSecond)}/s).** Everything runs in one Node process on two threads: dynalite in its worker thread, and the HTTP server, the handler, the AWS SDK client and the engine (and the load generator) in the main thread, so throughput is 1 / (the main thread's CPU time per decision) once dynalite keeps up. Each DynamoDB call saved raises it in proportion (the SDK's part of each call stays in the main thread); on AWS every decision is its own Lambda invocation, so this single-process ceiling is a local-mode figure only.`,
    },
  };
}
