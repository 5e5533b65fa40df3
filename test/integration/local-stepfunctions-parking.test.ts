import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalStepFunctions, type ExecutionInfo, type LocalFunction, type TaskStartedInfo } from '#local/stepfunctions-engine';
import { loadDefinition, substitute } from '#statemachines/definitions';

const GATE_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:hitl-approval-gate';
const WAIT = { timeout: 10_000, interval: 5 };

interface Payload {
  readonly taskToken: string;
  readonly [field: string]: unknown;
}

/** A Lambda stand-in that records every event it gets. */
function recordingFunction(behaviour: (payload: Payload, call: number) => unknown = () => undefined) {
  const payloads: Payload[] = [];
  const handler: LocalFunction = async (payload) => {
    payloads.push(payload as Payload);
    return behaviour(payload as Payload, payloads.length);
  };
  const call = (n: number) =>
    vi.waitFor(() => {
      if (payloads.length < n) throw new Error(`waiting for call ${n}, got ${payloads.length}`);
      return payloads[n - 1];
    }, WAIT);
  return { handler, payloads, call };
}

function gateInput(overrides: Record<string, unknown> = {}) {
  return {
    workflowId: 'wf-refunds',
    nodeId: 'refund-tool',
    step: 'call-1',
    channel: 'async',
    hitl: { mode: 'approve', approvers: ['bob'] },
    action: { kind: 'tool_call', toolCall: { id: 'tc-1', name: 'issue_refund', args: { amount: 120 } } },
    context: { conversation: [{ role: 'user', content: 'Refund order 7, please.' }], facts: { orderId: 'ord-7' } },
    requestedBy: 'alice',
    gateTimeoutSeconds: 3600,
    ...overrides,
  };
}

const engines: LocalStepFunctions[] = [];

afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.shutdown()));
});

/** An engine with the given functions that records which tasks it parked. */
function engineWith(functions: Record<string, LocalFunction>, options: { park?: boolean; onTaskParked?: (info: TaskStartedInfo) => void } = {}) {
  const parked: TaskStartedInfo[] = [];
  const engine = new LocalStepFunctions({
    functions,
    parkWaitingExecutions: options.park ?? true,
    onTaskParked: (info) => {
      parked.push(info);
      options.onTaskParked?.(info);
    },
  });
  engines.push(engine);
  const untilParked = (n: number) =>
    vi.waitFor(() => {
      if (parked.length < n) throw new Error(`waiting for park ${n}, got ${parked.length}`);
      return parked[n - 1];
    }, WAIT);
  return { engine, parked, untilParked };
}

function gateMachine(engine: LocalStepFunctions): string {
  return engine.registerStateMachine('approval-gate', substitute(loadDefinition('approval-gate'), { GateFunctionArn: GATE_FUNCTION_ARN }));
}

/** A callback task that waits on a token, for the shapes the approval gate does not have. */
function waitState(functionName: string, extra: Record<string, unknown> = {}) {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: { FunctionName: functionName, Payload: { 'taskToken.$': '$$.Task.Token', 'input.$': '$' } },
    TimeoutSeconds: 60,
    ...extra,
  };
}

/** What DescribeExecution says, without what differs between any two runs (ARN, name, dates). */
function comparable(info: ExecutionInfo) {
  const { executionArn: _arn, name: _name, startDate: _start, stopDate: _stop, ...rest } = info;
  return rest;
}

/**
 * Runs the same approval-gate execution on an engine that parks and one that keeps every interpreter,
 * finishing each with `decide`, and returns both descriptions.
 */
async function onBothEngines(decide: (engine: LocalStepFunctions, token: string) => Promise<void>, input = gateInput()) {
  const results: ExecutionInfo[] = [];
  for (const park of [true, false]) {
    const gate = recordingFunction();
    const { engine, untilParked } = engineWith({ [GATE_FUNCTION_ARN]: gate.handler }, { park });
    const { executionArn } = await engine.startExecution(gateMachine(engine), input);
    const { taskToken } = await gate.call(1);
    if (park) await untilParked(1);
    await decide(engine, taskToken);
    results.push(await engine.waitForExecution(executionArn, 20_000));
  }
  return results;
}

describe('LocalStepFunctions parking executions that wait on a task token', () => {
  it('keeps a waiting gate as data, with no interpreter, and still describes it as running', async () => {
    // Prepare
    const gate = recordingFunction();
    const { engine, untilParked } = engineWith({ [GATE_FUNCTION_ARN]: gate.handler });

    // Act
    const { executionArn } = await engine.startExecution(gateMachine(engine), gateInput(), 'gate-1');
    const parked = await untilParked(1);

    // Assess
    expect(parked).toMatchObject({ executionArn, stateName: 'WaitForApproval', token: gate.payloads[0].taskToken });
    expect(engine.parkedCount).toBe(1);
    await expect(engine.describeExecution(executionArn)).resolves.toMatchObject({ status: 'RUNNING', input: gateInput() });
    await expect(engine.listExecutions({ status: 'RUNNING' })).resolves.toEqual([expect.objectContaining({ executionArn })]);
  });

  it('resumes an approved gate with exactly the description of one never parked', async () => {
    // Act
    const [parked, live] = await onBothEngines((engine, token) =>
      engine.sendTaskSuccess(token, { requestId: 'r1', outcome: 'approved', approver: 'bob', scope: 'once' }),
    );

    // Assess
    expect(parked.status).toBe('SUCCEEDED');
    expect(comparable(parked)).toEqual(comparable(live));
  });

  it('fails a resumed gate with the same error and cause as one never parked', async () => {
    // Act
    const [parked, live] = await onBothEngines((engine, token) => engine.sendTaskFailure(token, 'Custom.Broken', 'the approver service broke'));

    // Assess
    expect(parked).toMatchObject({ status: 'FAILED', error: 'Custom.Broken', cause: 'the approver service broke' });
    expect(comparable(parked)).toEqual(comparable(live));
  });

  it('ends a parked gate through its timeout catcher when the hard cap passes, like one never parked', async () => {
    // Act: a 1 s cap, met on any machine, and no decision
    const [parked, live] = await onBothEngines(async () => undefined, gateInput({ gateTimeoutSeconds: 1 }));

    // Assess
    expect(parked).toMatchObject({ status: 'SUCCEEDED', output: { approval: { outcome: 'timed_out', approver: 'system:timeout' } } });
    expect(comparable(parked)).toEqual(comparable(live));
  });

  it('does not let a States.TaskFailed catcher catch the timeout of a parked task', async () => {
    // Prepare: AWS routes a task timeout to States.Timeout and States.ALL catchers only
    const callback = recordingFunction();
    const { engine, untilParked } = engineWith({ callback: callback.handler });
    const arn = engine.registerStateMachine('timeouts', {
      StartAt: 'Wait',
      States: {
        Wait: {
          ...waitState('callback', { TimeoutSeconds: 1 }),
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.caughtBy', Next: 'TaskFailed' },
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.caughtBy', Next: 'TimedOut' },
          ],
          Next: 'Done',
        },
        TaskFailed: { Type: 'Pass', Result: 'TaskFailed', ResultPath: '$.route', Next: 'Done' },
        TimedOut: { Type: 'Pass', Result: 'TimedOut', ResultPath: '$.route', Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });

    // Act
    const { executionArn } = await engine.startExecution(arn, { n: 1 });
    await untilParked(1);
    const finished = await engine.waitForExecution(executionArn, 20_000);

    // Assess
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: { n: 1, route: 'TimedOut', caughtBy: { Error: 'States.Timeout' } } });
  });

  it('runs a Retry after a resumed failure for real, with a fresh token', async () => {
    // Prepare
    const callback = recordingFunction();
    const { engine, untilParked } = engineWith({ callback: callback.handler });
    const arn = engine.registerStateMachine('retried', {
      StartAt: 'Wait',
      States: { Wait: { ...waitState('callback', { Retry: [{ ErrorEquals: ['Custom.Flaky'], IntervalSeconds: 1, MaxAttempts: 1 }] }), End: true } },
    });
    const { executionArn } = await engine.startExecution(arn, { n: 1 });
    const first = await untilParked(1);

    // Act
    await engine.sendTaskFailure(first.token, 'Custom.Flaky', 'try again');
    const second = await callback.call(2);
    await engine.sendTaskSuccess(second.taskToken, { ok: true });
    const finished = await engine.waitForExecution(executionArn, 20_000);

    // Assess
    expect(second.taskToken).not.toBe(first.token);
    expect(second.input).toEqual({ n: 1 });
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: { ok: true } });
  });

  it('parks again at the next gate after resuming, and carries the state data through both', async () => {
    // Prepare
    const callback = recordingFunction();
    const { engine, untilParked } = engineWith({ callback: callback.handler });
    const arn = engine.registerStateMachine('two-gates', {
      StartAt: 'First',
      States: {
        First: { ...waitState('callback'), ResultPath: '$.first', Next: 'Between' },
        Between: { Type: 'Pass', Result: 'passed', ResultPath: '$.between', Next: 'Second' },
        Second: { ...waitState('callback'), ResultPath: '$.second', End: true },
      },
    });
    const { executionArn } = await engine.startExecution(arn, { n: 1 });

    // Act
    await engine.sendTaskSuccess((await untilParked(1)).token, 'one');
    const secondPark = await untilParked(2);
    await engine.sendTaskSuccess(secondPark.token, 'two');
    const finished = await engine.waitForExecution(executionArn, 20_000);

    // Assess
    expect(secondPark.stateName).toBe('Second');
    expect(callback.payloads[1].input).toEqual({ n: 1, first: 'one', between: 'passed' });
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: { n: 1, first: 'one', between: 'passed', second: 'two' } });
  });

  it('keeps the interpreter of a task waiting inside a Parallel branch', async () => {
    // Prepare
    const callback = recordingFunction();
    const { engine, parked } = engineWith({ callback: callback.handler });
    const arn = engine.registerStateMachine('branches', {
      StartAt: 'Both',
      States: { Both: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'Inner', States: { Inner: { ...waitState('callback'), End: true } } }] } },
    });
    const { executionArn } = await engine.startExecution(arn, { n: 1 });
    const { taskToken } = await callback.call(1);

    // Act: give a park every chance to happen, then decide
    await new Promise((resolve) => setTimeout(resolve, 50));
    const parkedWhileWaiting = parked.length;
    await engine.sendTaskSuccess(taskToken, 'done');
    const finished = await engine.waitForExecution(executionArn, 20_000);

    // Assess
    expect(parkedWhileWaiting).toBe(0);
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: ['done'] });
  });

  it('aborts a parked execution on StopExecution and stops accepting its token', async () => {
    // Prepare
    const gate = recordingFunction();
    const { engine, untilParked } = engineWith({ [GATE_FUNCTION_ARN]: gate.handler });
    const { executionArn } = await engine.startExecution(gateMachine(engine), gateInput());
    const { token } = await untilParked(1);

    // Act
    await engine.stopExecution(executionArn, { error: 'Custom.Stop', cause: 'withdrawn' });

    // Assess
    await expect(engine.describeExecution(executionArn)).resolves.toMatchObject({ status: 'ABORTED', error: 'Custom.Stop', cause: 'withdrawn' });
    await expect(engine.sendTaskSuccess(token, { outcome: 'approved' })).rejects.toMatchObject({ name: 'TaskTimedOut' });
    expect(engine.parkedCount).toBe(0);
  });
});

describe('LocalStepFunctions parking: decisions racing the park and each other', () => {
  it('delivers a decision sent while the execution is being parked exactly once', async () => {
    // Prepare: the decision arrives from inside the park, the moment the interpreter is let go
    const gate = recordingFunction();
    const sent: Array<Promise<void>> = [];
    let engineRef: LocalStepFunctions | undefined;
    const { engine, untilParked } = engineWith(
      { [GATE_FUNCTION_ARN]: gate.handler },
      { onTaskParked: (info) => sent.push(engineRef!.sendTaskSuccess(info.token, { requestId: 'r1', outcome: 'approved', approver: 'bob', scope: 'once' })) },
    );
    engineRef = engine;

    // Act
    const { executionArn } = await engine.startExecution(gateMachine(engine), gateInput());
    const { token } = await untilParked(1);
    const finished = await engine.waitForExecution(executionArn, 20_000);

    // Assess
    await expect(Promise.all(sent)).resolves.toBeDefined();
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: { approval: { outcome: 'approved' } } });
    await expect(engine.sendTaskSuccess(token, { outcome: 'rejected' })).rejects.toMatchObject({ name: 'TaskTimedOut' });
    expect(gate.payloads).toHaveLength(1);
  });

  it('delivers a decision sent before the gate function returns to the live interpreter, which is then not parked', async () => {
    // Prepare: the gate function itself decides before it returns, as a fast approver could
    let engineRef: LocalStepFunctions | undefined;
    const gate = recordingFunction(async (payload) => {
      await engineRef!.sendTaskSuccess(payload.taskToken, { requestId: 'r1', outcome: 'rejected', approver: 'bob', scope: 'once' });
    });
    const { engine, parked } = engineWith({ [GATE_FUNCTION_ARN]: gate.handler });
    engineRef = engine;

    // Act
    const { executionArn } = await engine.startExecution(gateMachine(engine), gateInput());
    const finished = await engine.waitForExecution(executionArn, 20_000);

    // Assess
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: { approval: { outcome: 'rejected' } } });
    expect(parked).toHaveLength(0);
  });

  it('lets exactly one of two racing SendTaskSuccess calls win; the other gets TaskTimedOut', async () => {
    // Prepare
    const gate = recordingFunction();
    const { engine, untilParked } = engineWith({ [GATE_FUNCTION_ARN]: gate.handler });
    const { executionArn } = await engine.startExecution(gateMachine(engine), gateInput());
    const { token } = await untilParked(1);

    // Act
    const [approve, reject] = await Promise.allSettled([
      engine.sendTaskSuccess(token, { requestId: 'r1', outcome: 'approved', approver: 'bob', scope: 'once' }),
      engine.sendTaskSuccess(token, { requestId: 'r1', outcome: 'rejected', approver: 'carol', scope: 'once' }),
    ]);
    const finished = await engine.waitForExecution(executionArn, 20_000);

    // Assess
    const outcomes = [approve, reject].map((settled) => settled.status);
    expect(outcomes.sort()).toEqual(['fulfilled', 'rejected']);
    const loser = [approve, reject].find((settled) => settled.status === 'rejected') as PromiseRejectedResult;
    expect(loser.reason).toMatchObject({ name: 'TaskTimedOut' });
    const winner = approve.status === 'fulfilled' ? 'approved' : 'rejected';
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: { approval: { outcome: winner } } });
  });

  it('ends each parked gate by either its decision or its timeout, never both, when the decision arrives at the deadline', async () => {
    // Prepare: 12 gates with a 1 s cap, each decided at a different moment around its deadline
    const gate = recordingFunction();
    const { engine, untilParked } = engineWith({ [GATE_FUNCTION_ARN]: gate.handler });
    const arn = gateMachine(engine);
    const started = await Promise.all(Array.from({ length: 12 }, (_, i) => engine.startExecution(arn, gateInput({ step: `call-${i}`, gateTimeoutSeconds: 1 }))));
    await untilParked(12);

    // Act
    const decisions = await Promise.all(
      gate.payloads.map(
        (payload, i) =>
          new Promise<{ executionId: string; sent: PromiseSettledResult<void> }>((resolve) => {
            setTimeout(() => {
              void Promise.allSettled([engine.sendTaskSuccess(payload.taskToken, { requestId: `r${i}`, outcome: 'approved', approver: 'bob', scope: 'once' })]).then(
                ([sent]) => resolve({ executionId: payload.executionId as string, sent }),
              );
            }, 850 + i * 25);
          }),
      ),
    );
    const finished = await Promise.all(started.map(({ executionArn }) => engine.waitForExecution(executionArn, 20_000)));

    // Assess
    for (const { executionId, sent } of decisions) {
      const execution = finished.find((info) => info.executionArn === executionId)!;
      expect(execution.status).toBe('SUCCEEDED');
      if (sent.status === 'fulfilled') expect(execution.output).toMatchObject({ approval: { outcome: 'approved', approver: 'bob' } });
      else {
        expect(sent.reason).toMatchObject({ name: 'TaskTimedOut' });
        expect(execution.output).toMatchObject({ approval: { outcome: 'timed_out', approver: 'system:timeout' } });
      }
    }
  });
});

describe('LocalStepFunctions parking: memory', () => {
  /** Heap in use after full collections; `gc` is reached through V8's flag, as vitest runs without --expose-gc. */
  async function heapUsedAfterGc(): Promise<number> {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return process.memoryUsage().heapUsed;
  }

  /** Heap held per waiting approval gate once `count` of them wait. */
  async function heapPerWaitingGate(park: boolean, count: number): Promise<number> {
    let returned = 0;
    const { engine } = engineWith({ [GATE_FUNCTION_ARN]: async () => void returned++ }, { park });
    const arn = gateMachine(engine);
    const before = await heapUsedAfterGc();
    for (let i = 0; i < count; i++) await engine.startExecution(arn, gateInput({ step: `call-${i}` }));
    await vi.waitFor(() => expect(returned).toBe(count), { timeout: 60_000, interval: 20 });
    if (park) await vi.waitFor(() => expect(engine.parkedCount).toBe(count), WAIT);
    const perGate = ((await heapUsedAfterGc()) - before) / count;
    await engine.shutdown();
    return perGate;
  }

  it('holds a parked gate in a fraction of the heap a live interpreter takes', async () => {
    // Act
    const live = await heapPerWaitingGate(false, 1000);
    const parked = await heapPerWaitingGate(true, 1000);

    // Assess: about a quarter; an interpreter still reachable from the parked token would be most of it
    expect(parked).toBeLessThan(live / 2);
  }, 120_000);
});
