import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { respond } from '#usecases/respond';
import { createGateHandler } from '../lambdas/handlers/gate.ts';
import { AwsCallCounter, type CallCount } from './lib/aws-call-counter.ts';
import { HttpClient } from './lib/http-client.ts';
import { sampleRequest, storedItems } from './lib/items.ts';
import { APPROVER_HEADERS, countGateCompletions, startBenchApp } from './lib/local.ts';
import { gateFields, pausedExecutions } from './latency.ts';
import { round, summarize, timeEach, type Summary } from './lib/stats.ts';

/** AWS calls of one operation: the median total and sequential depth over the samples, and the worst. */
export interface CallFigures {
  readonly total: number;
  readonly depth: number;
  readonly maxDepth: number;
  /** Sequential calls up to and including SendTaskSuccess (respond only). */
  readonly depthToSendTaskSuccess?: number;
  readonly byOperation: Record<string, number>;
}

export interface RespondPathResult {
  readonly respondCalls: CallFigures;
  readonly gateCalls: CallFigures;
  /** The respond use case in process (as the API Lambda runs it, without HTTP), and its floor: one conditional UpdateItem + SendTaskSuccess. */
  readonly respond: Summary;
  readonly respondFloor: Summary;
  readonly respondRatio: number;
  /** The same decision over the local HTTP server, against the same floor (the floor has no HTTP). */
  readonly respondHttp: Summary;
  readonly respondHttpRatio: number;
  /** The gate handler in process, and its floor: one conditional PutItem of the same item. */
  readonly gate: Summary;
  readonly gateFloor: Summary;
  readonly gateRatio: number;
}

const APPROVER = { userId: 'bob', groups: ['approvers'] };

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function figures(counts: readonly CallCount[], withSend: boolean): CallFigures {
  const operations = new Set(counts.flatMap((c) => Object.keys(c.byOperation)));
  return {
    total: median(counts.map((c) => c.total)),
    depth: median(counts.map((c) => c.depth)),
    maxDepth: Math.max(...counts.map((c) => c.depth)),
    ...(withSend ? { depthToSendTaskSuccess: Math.max(...counts.map((c) => c.depthOf['StepFunctions.SendTaskSuccess'] ?? Number.NaN)) } : {}),
    byOperation: Object.fromEntries([...operations].map((op) => [op, median(counts.map((c) => c.byOperation[op] ?? 0))])),
  };
}

/**
 * The respond critical path: AWS calls per respond and per gate (total and sequential depth, counted by
 * SDK middleware on the local engines), and respond and gate p50 as ratios to floors measured in the
 * same run. The counter is attached only while counting, so the timings carry no middleware.
 */
export async function benchRespondPath(options: { samples?: number; counted?: number } = {}, log = console.log): Promise<RespondPathResult> {
  const samples = options.samples ?? 300;
  const counted = options.counted ?? 20;
  const bench = await startBenchApp();
  const { app, db, tableName } = bench;
  const gates = countGateCompletions(app);
  const client = new HttpClient(app.url, 1);
  try {
    // Counting: each respond and each gate on its own, with nothing else in flight.
    const counter = new AwsCallCounter().attach(db, 'DynamoDB').attachWorkflows(app.deps.workflows);
    const gate = createGateHandler(app.deps);
    let n = 0;
    const gateOnce = () => gate({ ...gateFields(n), taskToken: `bench-token-${n}`, executionId: `arn:aws:states:us-east-1:000000000000:execution:bench-path:g-${n++}` }, {} as never);
    const gateCounts: CallCount[] = [];
    for (let i = 0; i < counted; i++) {
      counter.reset();
      await gateOnce();
      gateCounts.push(counter.count());
    }
    const forCounting = await pausedExecutions(bench, gates, counted, 'counted');
    const respondCounts: CallCount[] = [];
    for (const { id } of forCounting) {
      counter.reset();
      await respond(app.deps, { id, identity: APPROVER, channel: 'api', decision: 'approve', scope: 'once' });
      respondCounts.push(counter.count());
    }
    counter.detach();
    const respondCalls = figures(respondCounts, true);
    const gateCalls = figures(gateCounts, false);
    log(`  respond: ${respondCalls.total} AWS calls, ${respondCalls.depth} sequential (SendTaskSuccess at ${respondCalls.depthToSendTaskSuccess}); gate: ${gateCalls.total} calls, ${gateCalls.depth} sequential`);

    // Gate against one conditional PutItem, alternating in blocks.
    const putOnce = () =>
      db.send(new PutCommand({ TableName: tableName, Item: storedItems(sampleRequest(`path-floor-${n++}`, new Date()))[0], ConditionExpression: 'attribute_not_exists(pk)' }));
    await timeEach(50, gateOnce);
    await timeEach(50, putOnce);
    const gateSamples: number[] = [];
    const putSamples: number[] = [];
    for (let block = 0; block < 10; block++) {
      gateSamples.push(...(await timeEach(samples / 10, gateOnce)));
      putSamples.push(...(await timeEach(samples / 10, putOnce)));
    }

    // Respond (in process and over HTTP) against one conditional UpdateItem + SendTaskSuccess.
    const warm = 30;
    const forRespond = await pausedExecutions(bench, gates, warm + samples, 'path-respond');
    const forHttp = await pausedExecutions(bench, gates, warm + samples, 'path-http');
    const forFloor = await pausedExecutions(bench, gates, warm + samples, 'path-floor');
    const tokens = await Promise.all(forFloor.map(({ id }) => app.deps.store.getTaskToken(id)));
    const respondOnce = async (i: number) => {
      const result = await respond(app.deps, { id: forRespond[i]!.id, identity: APPROVER, channel: 'api', decision: 'approve', scope: 'once' });
      if (result.delivery !== 'delivered') throw new Error(`respond left delivery ${result.delivery}`);
    };
    const httpOnce = async (i: number) => {
      const res = await client.send('POST', `/approvals/${forHttp[i]!.id}/respond`, { ...APPROVER_HEADERS, 'content-type': 'application/json' }, '{"decision":"approve"}');
      if (res.status !== 200) throw new Error(`respond answered ${res.status}: ${res.text.slice(0, 200)}`);
    };
    const floorOnce = async (i: number) => {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `REQ#${forFloor[i]!.id}`, sk: 'META' },
          UpdateExpression: 'SET #status = :approved, #events = list_append(#events, :event)',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', '#events': 'events' },
          ExpressionAttributeValues: { ':approved': 'approved', ':pending': 'pending', ':event': [{ at: new Date().toISOString(), type: 'decided', actor: 'bob' }] },
        }),
      );
      await app.engine.sendTaskSuccess(tokens[i]!, { requestId: forFloor[i]!.id, outcome: 'approved', approver: 'bob', scope: 'once' });
    };
    for (let i = 0; i < warm; i++) {
      await respondOnce(i);
      await httpOnce(i);
      await floorOnce(i);
    }
    const respondSamples: number[] = [];
    const httpSamples: number[] = [];
    const floorSamples: number[] = [];
    const block = samples / 10;
    for (let b = 0; b < 10; b++) {
      respondSamples.push(...(await timeEach(block, (i) => respondOnce(warm + b * block + i))));
      httpSamples.push(...(await timeEach(block, (i) => httpOnce(warm + b * block + i))));
      floorSamples.push(...(await timeEach(block, (i) => floorOnce(warm + b * block + i))));
    }
    const result: RespondPathResult = {
      respondCalls,
      gateCalls,
      respond: summarize(respondSamples),
      respondFloor: summarize(floorSamples),
      respondRatio: round(summarize(respondSamples).p50 / summarize(floorSamples).p50),
      respondHttp: summarize(httpSamples),
      respondHttpRatio: round(summarize(httpSamples).p50 / summarize(floorSamples).p50),
      gate: summarize(gateSamples),
      gateFloor: summarize(putSamples),
      gateRatio: round(summarize(gateSamples).p50 / summarize(putSamples).p50),
    };
    log(`  respond p50 ${result.respond.p50.toFixed(2)} ms (over HTTP ${result.respondHttp.p50.toFixed(2)} ms) vs floor ${result.respondFloor.p50.toFixed(2)} ms: ${result.respondRatio}× (${result.respondHttpRatio}×), target ≤ 2.5×`);
    log(`  gate p50 ${result.gate.p50.toFixed(2)} ms vs floor ${result.gateFloor.p50.toFixed(2)} ms: ${result.gateRatio}×, target ≤ 2×`);
    return result;
  } finally {
    client.close();
    await app.close();
  }
}
