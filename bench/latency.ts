import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { HitlConfigSchema } from '#core/hitl-config';
import { requestIdFor } from '#core/request-id';
import { createGateHandler } from '../lambdas/handlers/gate.ts';
import { CapacityMeter, type CapacityReading } from './lib/capacity-meter.ts';
import { HttpClient } from './lib/http-client.ts';
import { sampleRequest, storedItems } from './lib/items.ts';
import { APPROVER_HEADERS, countGateCompletions, startBenchApp, untilCompleted, type BenchApp } from './lib/local.ts';

type GateCounter = ReturnType<typeof countGateCompletions>;
import { pool, summarize, timeEach, type Summary } from './lib/stats.ts';

const HITL = HitlConfigSchema.parse({ mode: 'confirm_tools', approvers: { groups: ['approvers'] }, timeoutSeconds: 1800 });

/** What the gate receives from the approval-gate state machine (and what startExecution needs as input). */
export function gateFields(i: number) {
  return {
    workflowId: 'support-agent',
    nodeId: 'agent',
    step: 'call-1',
    channel: 'async',
    hitl: HITL,
    action: { kind: 'tool_call', toolCall: { id: 'call-1', name: 'send_email', args: { to: 'carol@example.com', subject: 'Refunds', body: 'Our refund policy: 30 days, no questions asked.' } } },
    context: {
      conversation: [
        { role: 'user', content: 'Email carol@example.com our refund policy, please.' },
        { role: 'assistant', content: 'I will send Carol the refund policy by email.' },
      ],
      facts: { customerTier: 'gold', orderId: `ord-${i}` },
    },
    requestedBy: 'alice',
  };
}

/**
 * Starts approval-gate executions in chunks until `count` of them are paused (their gate returned),
 * and resolves with their request ids. A gate that fails (it has not, except under heavy load from
 * other processes) is replaced, and counted in `gates.failed`.
 */
export async function pausedExecutions(bench: BenchApp, gates: GateCounter, count: number, tag: string): Promise<{ id: string; executionArn: string }[]> {
  const paused: { id: string; executionArn: string }[] = [];
  for (let n = 0; paused.length < count; ) {
    const chunk: { id: string; executionArn: string }[] = [];
    const settled = gates.completed + gates.failed;
    for (let i = 0; i < Math.min(200, count - paused.length); i++, n++) {
      const { executionArn } = await bench.app.engine.startExecution(bench.app.stateMachines.approvalGate, { ...gateFields(n), gateTimeoutSeconds: 3600 }, `${tag}-${n}`);
      chunk.push({ executionArn, id: requestIdFor(executionArn, 'agent', 'call-1') });
    }
    await untilCompleted(gates, settled + chunk.length, 60_000);
    const running = await Promise.all(chunk.map(async (c) => (await bench.app.engine.describeExecution(c.executionArn)).status === 'RUNNING'));
    paused.push(...chunk.filter((_, i) => running[i]));
  }
  return paused;
}

export interface LatencyResult {
  readonly gate: Summary;
  readonly gateFloor: Summary;
  readonly respond: Summary;
  readonly respondFloor: Summary;
  /** GET /approvals?limit=50 and GET /approvals/{id} on the same app, for the cost model's Lambda time. */
  readonly list: Summary;
  readonly detail: Summary;
  readonly respondThroughput: { readonly concurrency: number; readonly count: number; readonly perSecond: number; readonly latency: Summary; readonly statuses: Record<string, number> };
  /** Gate invocations that failed while setting up paused executions (replaced), with the first errors. */
  readonly gateFailures: { readonly count: number; readonly errors: string[] };
  /** Metered DynamoDB use of one approval's parts, for the cost model. */
  readonly capacity: { readonly gate: CapacityReading; readonly list: CapacityReading; readonly detail: CapacityReading; readonly respond: CapacityReading; readonly samples: number };
}

/**
 * Gate and respond latency against their floors, respond throughput at concurrency 16, and the
 * DynamoDB capacity one approval consumes, all on one local app (dynalite in memory, the local
 * Step Functions engine, the HTTP server). Floors and real operations alternate in blocks so drift
 * (GC, a growing table) hits both alike.
 */
export async function benchLatency(options: { samples?: number; throughputCount?: number; concurrency?: number } = {}, log = console.log): Promise<LatencyResult> {
  const samples = options.samples ?? 400;
  const throughputCount = options.throughputCount ?? 2_000;
  const concurrency = options.concurrency ?? 16;
  const bench = await startBenchApp();
  const { app, db, tableName } = bench;
  const gates = countGateCompletions(app);
  const client = new HttpClient(app.url, concurrency);
  try {
    // Gate: the handler in process, as the Lambda runs it; the floor is one conditional PutItem of the same item.
    const gate = createGateHandler(app.deps);
    let n = 0;
    const gateOnce = () => gate({ ...gateFields(n), taskToken: `bench-token-${n}`, executionId: `arn:aws:states:us-east-1:000000000000:execution:bench-gate:g-${n++}` }, {} as never);
    const putOnce = () =>
      db.send(new PutCommand({ TableName: tableName, Item: storedItems(sampleRequest(`put-floor-${n++}`, new Date()))[0], ConditionExpression: 'attribute_not_exists(pk)' }));
    await timeEach(50, gateOnce);
    await timeEach(50, putOnce);
    const gateSamples: number[] = [];
    const putSamples: number[] = [];
    for (let block = 0; block < 10; block++) {
      gateSamples.push(...(await timeEach(samples / 10, gateOnce)));
      putSamples.push(...(await timeEach(samples / 10, putOnce)));
    }
    const gateSummary = summarize(gateSamples);
    const gateFloor = summarize(putSamples);
    log(`  gate: p50 ${gateSummary.p50.toFixed(2)} ms, p99 ${gateSummary.p99.toFixed(2)} ms; floor (one conditional PutItem) p50 ${gateFloor.p50.toFixed(2)} ms`);

    // Respond: POST over HTTP on real paused executions; the floor is one conditional UpdateItem and
    // one SendTaskSuccess on other paused executions of the same engine.
    const warm = 50;
    const forRespond = await pausedExecutions(bench, gates, warm + samples, 'respond');
    const forFloor = await pausedExecutions(bench, gates, warm + samples, 'floor');
    const tokens = await Promise.all(forFloor.map(({ id }) => app.deps.store.getTaskToken(id)));
    const respondOnce = async (i: number) => {
      const res = await client.send('POST', `/approvals/${forRespond[i].id}/respond`, { ...APPROVER_HEADERS, 'content-type': 'application/json' }, '{"decision":"approve"}');
      if (res.status !== 200) throw new Error(`respond answered ${res.status}: ${res.text.slice(0, 200)}`);
    };
    const floorOnce = async (i: number) => {
      const now = new Date().toISOString();
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `REQ#${forFloor[i].id}`, sk: 'META' },
          UpdateExpression: 'SET #status = :approved, #events = list_append(#events, :event)',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', '#events': 'events' },
          ExpressionAttributeValues: { ':approved': 'approved', ':pending': 'pending', ':event': [{ at: now, type: 'decided', actor: 'bob' }] },
        }),
      );
      await app.engine.sendTaskSuccess(tokens[i]!, { requestId: forFloor[i].id, outcome: 'approved', approver: 'bob', scope: 'once' });
    };
    for (let i = 0; i < warm; i++) {
      await respondOnce(i);
      await floorOnce(i);
    }
    const respondSamples: number[] = [];
    const floorSamples: number[] = [];
    const block = samples / 10;
    for (let b = 0; b < 10; b++) {
      respondSamples.push(...(await timeEach(block, (i) => respondOnce(warm + b * block + i))));
      floorSamples.push(...(await timeEach(block, (i) => floorOnce(warm + b * block + i))));
    }
    const respond = summarize(respondSamples);
    const respondFloor = summarize(floorSamples);
    log(`  respond: p50 ${respond.p50.toFixed(2)} ms, p99 ${respond.p99.toFixed(2)} ms; floor (UpdateItem + SendTaskSuccess) p50 ${respondFloor.p50.toFixed(2)} ms`);

    // Throughput: `concurrency` approvers answering distinct requests at once.
    const forThroughput = await pausedExecutions(bench, gates, throughputCount, 'throughput');
    const statuses: Record<string, number> = {};
    const started = performance.now();
    const latencies = await pool(throughputCount, concurrency, async (i) => {
      const t = performance.now();
      const res = await client.send('POST', `/approvals/${forThroughput[i].id}/respond`, { ...APPROVER_HEADERS, 'content-type': 'application/json' }, '{"decision":"approve"}');
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      return performance.now() - t;
    });
    const seconds = (performance.now() - started) / 1000;
    const respondThroughput = { concurrency, count: throughputCount, perSecond: throughputCount / seconds, latency: summarize(latencies), statuses };
    log(`  respond throughput at concurrency ${concurrency}: ${respondThroughput.perSecond.toFixed(0)}/s (statuses ${JSON.stringify(statuses)})`);

    const list = summarize(await timeEach(200, async () => void (await client.send('GET', '/approvals?limit=50', APPROVER_HEADERS))));
    const detail = summarize(await timeEach(200, async (i) => void (await client.send('GET', `/approvals/${forThroughput[i % forThroughput.length].id}`, APPROVER_HEADERS))));

    // Capacity: one approval's DynamoDB use, part by part, metered as on-demand would bill it.
    const meter = new CapacityMeter(db, tableName);
    const parts = { gate: [] as CapacityReading[], list: [] as CapacityReading[], detail: [] as CapacityReading[], respond: [] as CapacityReading[] };
    const capacitySamples = 20;
    const forCapacity: { id: string; executionArn: string }[] = [];
    for (let i = 0; i < capacitySamples; i++) {
      meter.reset();
      forCapacity.push(...(await pausedExecutions(bench, gates, 1, `capacity-${i}`)));
      parts.gate.push(meter.reading());
    }
    for (const { id } of forCapacity) {
      meter.reset();
      await client.send('GET', '/approvals?limit=50', APPROVER_HEADERS);
      parts.list.push(meter.reading());
      meter.reset();
      await client.send('GET', `/approvals/${id}`, APPROVER_HEADERS);
      parts.detail.push(meter.reading());
      meter.reset();
      const res = await client.send('POST', `/approvals/${id}/respond`, { ...APPROVER_HEADERS, 'content-type': 'application/json' }, '{"decision":"approve"}');
      if (res.status !== 200) throw new Error(`respond answered ${res.status}`);
      parts.respond.push(meter.reading());
    }
    meter.detach();
    const capacity = { gate: average(parts.gate), list: average(parts.list), detail: average(parts.detail), respond: average(parts.respond), samples: capacitySamples };
    log(`  capacity per approval: gate ${capacity.gate.wru.toFixed(1)} WRU ${capacity.gate.rru.toFixed(1)} RRU; respond ${capacity.respond.wru.toFixed(1)} WRU ${capacity.respond.rru.toFixed(1)} RRU`);
    return { gate: gateSummary, gateFloor, respond, respondFloor, list, detail, respondThroughput, gateFailures: { count: gates.failed, errors: gates.errors }, capacity };
  } finally {
    client.close();
    await app.close();
  }
}

function average(readings: CapacityReading[]): CapacityReading {
  const calls: Record<string, number> = {};
  for (const r of readings) for (const [k, v] of Object.entries(r.calls)) calls[k] = (calls[k] ?? 0) + v / readings.length;
  return {
    wru: readings.reduce((s, r) => s + r.wru, 0) / readings.length,
    rru: readings.reduce((s, r) => s + r.rru, 0) / readings.length,
    calls,
  };
}
