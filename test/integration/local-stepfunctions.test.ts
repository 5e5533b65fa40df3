import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalStepFunctions, type LocalFunction } from '#local/stepfunctions-engine';
import { loadDefinition, substitute } from '#statemachines/definitions';

const GATE_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:hitl-approval-gate';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}$/;

interface GatePayload {
  readonly taskToken: string;
  readonly executionId: string;
  readonly workflowId: string;
  readonly requestedBy: string | null;
  readonly [field: string]: unknown;
}

/** A Lambda stand-in that records every event it gets, optionally failing some calls. */
function recordingFunction(behaviour: (payload: GatePayload, call: number) => unknown = () => undefined) {
  const payloads: GatePayload[] = [];
  const handler: LocalFunction = async (payload) => {
    payloads.push(payload as GatePayload);
    return behaviour(payload as GatePayload, payloads.length);
  };
  /** Resolves with the payload of the n-th call (1-based) once it has happened. */
  const call = (n: number) =>
    vi.waitFor(
      () => {
        if (payloads.length < n) throw new Error(`waiting for call ${n}, got ${payloads.length}`);
        return payloads[n - 1];
      },
      { timeout: 10_000, interval: 5 },
    );
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
    context: { conversation: [], facts: {} },
    requestedBy: 'alice',
    gateTimeoutSeconds: 3600,
    ...overrides,
  };
}

const engines: LocalStepFunctions[] = [];

function gateEngine(gate = recordingFunction()) {
  const engine = new LocalStepFunctions({ functions: { [GATE_FUNCTION_ARN]: gate.handler } });
  engines.push(engine);
  const stateMachineArn = engine.registerStateMachine(
    'approval-gate',
    substitute(loadDefinition('approval-gate'), { GateFunctionArn: GATE_FUNCTION_ARN }),
  );
  return { engine, gate, stateMachineArn };
}

/** A one-state machine that waits on a token, for behaviour the approval gate does not exercise. */
function callbackDefinition(extra: Record<string, unknown> = {}) {
  return {
    StartAt: 'Wait',
    States: {
      Wait: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'callback', Payload: { 'taskToken.$': '$$.Task.Token' } },
        TimeoutSeconds: 60,
        ...extra,
        End: true,
      },
    },
  };
}

afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.shutdown()));
});

describe('LocalStepFunctions running the approval gate', () => {
  it('pauses the execution at the gate until a decision arrives', async () => {
    // Prepare
    const { engine, gate, stateMachineArn } = gateEngine();

    // Act
    const { executionArn } = await engine.startExecution(stateMachineArn, gateInput(), 'gate-1');
    await gate.call(1);

    // Assess
    await expect(engine.describeExecution(executionArn)).resolves.toMatchObject({ status: 'RUNNING', input: gateInput() });
  });

  it('resumes the execution when the decision arrives', async () => {
    // Prepare
    const { engine, gate, stateMachineArn } = gateEngine();
    const { executionArn } = await engine.startExecution(stateMachineArn, gateInput());
    const { taskToken } = await gate.call(1);

    // Act
    await engine.sendTaskSuccess(taskToken, { requestId: 'r1', outcome: 'approved', approver: 'bob', scope: 'once' });
    const finished = await engine.waitForExecution(executionArn, 10_000);

    // Assess
    expect(finished.status).toBe('SUCCEEDED');
    expect(finished.output).toEqual({
      ...gateInput(),
      approval: { requestId: 'r1', outcome: 'approved', approver: 'bob', scope: 'once' },
    });
  });

  it('ends with the rejection when the approver rejects', async () => {
    // Prepare
    const { engine, gate, stateMachineArn } = gateEngine();
    const { executionArn } = await engine.startExecution(stateMachineArn, gateInput());
    const { taskToken } = await gate.call(1);

    // Act
    await engine.sendTaskSuccess(taskToken, { requestId: 'r1', outcome: 'rejected', approver: 'bob', reason: 'too much', scope: 'once' });
    const finished = await engine.waitForExecution(executionArn, 10_000);

    // Assess
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: { approval: { outcome: 'rejected', reason: 'too much' } } });
  });

  it('hands the gate function a freshly minted token and the execution ARN', async () => {
    // Prepare
    const { engine, gate, stateMachineArn } = gateEngine();

    // Act
    const { executionArn } = await engine.startExecution(stateMachineArn, gateInput({ requestedBy: null }), 'gate-payload');
    const payload = await gate.call(1);

    // Assess
    expect(executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:approval-gate:gate-payload');
    expect(payload).toEqual({
      taskToken: expect.stringMatching(TOKEN_SHAPE),
      executionId: executionArn,
      workflowId: 'wf-refunds',
      nodeId: 'refund-tool',
      step: 'call-1',
      channel: 'async',
      hitl: gateInput().hitl,
      action: gateInput().action,
      context: { conversation: [], facts: {} },
      requestedBy: null,
    });
  });

  it('refuses a second decision on the same token with TaskTimedOut', async () => {
    // Prepare
    const { engine, gate, stateMachineArn } = gateEngine();
    const { executionArn } = await engine.startExecution(stateMachineArn, gateInput());
    const { taskToken } = await gate.call(1);
    const decision = { requestId: 'r1', outcome: 'approved', approver: 'bob', scope: 'once' } as const;
    await engine.sendTaskSuccess(taskToken, decision);

    // Act
    const second = engine.sendTaskSuccess(taskToken, { ...decision, outcome: 'rejected' });

    // Assess
    await expect(second).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(engine.waitForExecution(executionArn, 10_000)).resolves.toMatchObject({ output: { approval: { outcome: 'approved' } } });
  });

  it('rejects a token it never issued with TaskDoesNotExist and a malformed one with InvalidToken', async () => {
    // Prepare
    const { engine, gate, stateMachineArn } = gateEngine();
    await engine.startExecution(stateMachineArn, gateInput());
    const { taskToken } = await gate.call(1);
    const forged = `${'A'.repeat(32)}${taskToken.slice(32)}`;
    const decision = { requestId: 'r1', outcome: 'approved', approver: 'bob', scope: 'once' } as const;

    // Act
    const unknown = engine.sendTaskSuccess(forged, decision);
    const malformed = engine.sendTaskFailure('not-a-token', 'Custom.Error', 'nope');
    const empty = engine.sendTaskSuccess('', decision);

    // Assess
    await expect(unknown).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await expect(malformed).rejects.toMatchObject({ name: 'InvalidToken' });
    await expect(empty).rejects.toMatchObject({ name: 'InvalidToken' });
  });

  it('rejects output that is not JSON with InvalidOutput and keeps the token usable', async () => {
    // Prepare
    const { engine, gate, stateMachineArn } = gateEngine();
    const { executionArn } = await engine.startExecution(stateMachineArn, gateInput());
    const { taskToken } = await gate.call(1);

    // Act
    const invalid = engine.sendTaskSuccess(taskToken, { requestId: 'r1', outcome: 'approved', amount: 10n } as unknown as Record<string, unknown>);

    // Assess
    await expect(invalid).rejects.toMatchObject({ name: 'InvalidOutput' });
    await engine.sendTaskSuccess(taskToken, { requestId: 'r1', outcome: 'approved', approver: 'bob', scope: 'once' });
    await expect(engine.waitForExecution(executionArn, 10_000)).resolves.toMatchObject({ status: 'SUCCEEDED' });
  });

  it('fails the execution when the task fails with an error the gate does not catch', async () => {
    // Prepare
    const { engine, gate, stateMachineArn } = gateEngine();
    const { executionArn } = await engine.startExecution(stateMachineArn, gateInput());
    const { taskToken } = await gate.call(1);

    // Act
    await engine.sendTaskFailure(taskToken, 'Custom.Error', 'the approver service broke');
    const finished = await engine.waitForExecution(executionArn, 10_000);

    // Assess
    expect(finished).toMatchObject({ status: 'FAILED', error: 'Custom.Error', cause: 'the approver service broke' });
    await expect(engine.sendTaskSuccess(taskToken, { outcome: 'approved' })).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('ends through the timeout catcher with a timed_out decision when the hard cap passes', async () => {
    // Prepare
    const { engine, gate, stateMachineArn } = gateEngine();
    const { executionArn } = await engine.startExecution(stateMachineArn, gateInput({ gateTimeoutSeconds: 1 }));
    const { taskToken } = await gate.call(1);

    // Act: a generous bound, which the 1 s cap meets on any machine and a gate left waiting never would
    const finished = await engine.waitForExecution(executionArn, 20_000);

    // Assess
    expect(finished).toMatchObject({
      status: 'SUCCEEDED',
      output: { approval: { outcome: 'timed_out', approver: 'system:timeout', scope: 'once' } },
    });
    await expect(engine.sendTaskSuccess(taskToken, { outcome: 'approved' })).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('keeps a month-long gate waiting instead of overflowing the timer', async () => {
    // Prepare
    const { engine, gate, stateMachineArn } = gateEngine();
    const { executionArn } = await engine.startExecution(stateMachineArn, gateInput({ gateTimeoutSeconds: 30 * 24 * 3600 }));
    await gate.call(1);

    // Act
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Assess
    await expect(engine.describeExecution(executionArn)).resolves.toMatchObject({ status: 'RUNNING' });
  });

  it('fails the task with the error name the gate function throws', async () => {
    // Prepare
    const gate = recordingFunction(() => {
      throw Object.assign(new Error('store unavailable'), { name: 'Gate.StoreUnavailable' });
    });
    const { engine, stateMachineArn } = gateEngine(gate);

    // Act
    const { executionArn } = await engine.startExecution(stateMachineArn, gateInput());
    const finished = await engine.waitForExecution(executionArn, 10_000);

    // Assess
    expect(finished).toMatchObject({ status: 'FAILED', error: 'Gate.StoreUnavailable' });
    expect(JSON.parse(finished.cause ?? '')).toMatchObject({ errorType: 'Gate.StoreUnavailable', errorMessage: 'store unavailable' });
  });

  it('aborts a stopped execution and stops accepting its token', async () => {
    // Prepare
    const { engine, gate, stateMachineArn } = gateEngine();
    const { executionArn } = await engine.startExecution(stateMachineArn, gateInput());
    const { taskToken } = await gate.call(1);

    // Act
    await engine.stopExecution(executionArn);

    // Assess
    await expect(engine.describeExecution(executionArn)).resolves.toMatchObject({ status: 'ABORTED' });
    await expect(engine.sendTaskSuccess(taskToken, { outcome: 'approved' })).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(engine.listExecutions({ status: 'ABORTED' })).resolves.toEqual([expect.objectContaining({ executionArn })]);
  });

  it('returns the running execution for a repeated start with the same input and refuses other input', async () => {
    // Prepare
    const { engine, gate, stateMachineArn } = gateEngine();
    const first = await engine.startExecution(stateMachineArn, gateInput(), 'gate-once');
    await gate.call(1);

    // Act
    const repeated = await engine.startExecution(stateMachineArn, gateInput(), 'gate-once');
    const conflicting = engine.startExecution(stateMachineArn, gateInput({ step: 'call-2' }), 'gate-once');

    // Assess
    expect(repeated.executionArn).toBe(first.executionArn);
    await expect(conflicting).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    expect(gate.payloads).toHaveLength(1);
  });

  it('reports ExecutionDoesNotExist for an execution it never started', async () => {
    // Prepare
    const { engine } = gateEngine();

    // Act
    const described = engine.describeExecution('arn:aws:states:us-east-1:000000000000:execution:approval-gate:nope');

    // Assess
    await expect(described).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });
});

describe('LocalStepFunctions running other definitions', () => {
  it('runs a plain lambda:invoke task whose ResultSelector reads the Payload', async () => {
    // Prepare
    const engine = new LocalStepFunctions({ functions: { double: async (event) => ({ doubled: (event as { n: number }).n * 2 }) } });
    engines.push(engine);
    const arn = engine.registerStateMachine('double', {
      StartAt: 'Double',
      States: {
        Double: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'double', 'Payload.$': '$' },
          ResultSelector: { 'value.$': '$.Payload' },
          ResultPath: '$.result',
          TimeoutSeconds: 5,
          End: true,
        },
      },
    });

    // Act
    const { executionArn } = await engine.startExecution(arn, { n: 21 });
    const finished = await engine.waitForExecution(executionArn, 10_000);

    // Assess
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: { n: 21, result: { value: { doubled: 42 } } } });
  });

  it('runs tasks nested in Map and Parallel states', async () => {
    // Prepare
    const engine = new LocalStepFunctions({
      functions: {
        square: async (event) => (event as number) ** 2,
        'arn:aws:lambda:us-east-1:000000000000:function:describe': async (event) => `items: ${JSON.stringify(event)}`,
      },
    });
    engines.push(engine);
    const arn = engine.registerStateMachine('nested', {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          End: true,
          Branches: [
            {
              StartAt: 'EachItem',
              States: {
                EachItem: {
                  Type: 'Map',
                  ItemsPath: '$.items',
                  End: true,
                  ItemProcessor: {
                    StartAt: 'Square',
                    States: {
                      Square: {
                        Type: 'Task',
                        Resource: 'arn:aws:states:::lambda:invoke',
                        Parameters: { FunctionName: 'square', 'Payload.$': '$' },
                        OutputPath: '$.Payload',
                        TimeoutSeconds: 5,
                        End: true,
                      },
                    },
                  },
                },
              },
            },
            {
              StartAt: 'Describe',
              States: {
                Describe: {
                  Type: 'Task',
                  Resource: 'arn:aws:lambda:us-east-1:000000000000:function:describe',
                  InputPath: '$.items',
                  TimeoutSeconds: 5,
                  End: true,
                },
              },
            },
          ],
        },
      },
    });

    // Act
    const { executionArn } = await engine.startExecution(arn, { items: [1, 2, 3] });
    const finished = await engine.waitForExecution(executionArn, 10_000);

    // Assess
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: [[1, 4, 9], 'items: [1,2,3]'] });
  });

  it('routes a task failure to the catcher that matches its error name', async () => {
    // Prepare
    const callback = recordingFunction();
    const engine = new LocalStepFunctions({ functions: { callback: callback.handler } });
    engines.push(engine);
    const definition = callbackDefinition({ Catch: [{ ErrorEquals: ['Custom.Error'], ResultPath: '$.failure', Next: 'Handled' }] });
    const { End: _end, ...waitWithoutEnd } = definition.States.Wait;
    const arn = engine.registerStateMachine('caught', {
      ...definition,
      States: { Wait: { ...waitWithoutEnd, Next: 'Handled' }, Handled: { Type: 'Succeed' } },
    });
    const { executionArn } = await engine.startExecution(arn, {});
    const { taskToken } = await callback.call(1);

    // Act
    await engine.sendTaskFailure(taskToken, 'Custom.Error', 'declined upstream');
    const finished = await engine.waitForExecution(executionArn, 10_000);

    // Assess
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: { failure: { Error: 'Custom.Error', Cause: 'declined upstream' } } });
  });

  it('mints a fresh token when a Retry invokes the callback function again', async () => {
    // Prepare
    const callback = recordingFunction((_payload, call) => {
      if (call === 1) throw Object.assign(new Error('throttled'), { name: 'Lambda.TooManyRequestsException' });
    });
    const engine = new LocalStepFunctions({ functions: { callback: callback.handler } });
    engines.push(engine);
    const arn = engine.registerStateMachine(
      'retried',
      callbackDefinition({ Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 1, MaxAttempts: 1 }] }),
    );
    const { executionArn } = await engine.startExecution(arn, {});

    // Act
    const second = await callback.call(2);
    await engine.sendTaskSuccess(second.taskToken, { ok: true });
    const finished = await engine.waitForExecution(executionArn, 10_000);

    // Assess
    expect(second.taskToken).not.toBe(callback.payloads[0].taskToken);
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: { ok: true } });
    await expect(engine.sendTaskSuccess(callback.payloads[0].taskToken, {})).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('fails the task with Lambda.ResourceNotFoundException when the function is unknown', async () => {
    // Prepare
    const engine = new LocalStepFunctions({ functions: {} });
    engines.push(engine);
    const arn = engine.registerStateMachine('orphan', callbackDefinition());

    // Act
    const { executionArn } = await engine.startExecution(arn, {});
    const finished = await engine.waitForExecution(executionArn, 10_000);

    // Assess
    expect(finished).toMatchObject({ status: 'FAILED', error: 'Lambda.ResourceNotFoundException' });
  });

  it('fails the task with Sandbox.Timedout when the function runs past its Lambda timeout, as Lambda does', async () => {
    // Prepare: a callback function that never returns, with a 1 s timeout, and one that answers at once
    const engine = new LocalStepFunctions({ functions: {} });
    engines.push(engine);
    engine.registerFunction('callback', () => new Promise(() => undefined), { timeoutSeconds: 1 });
    engine.registerFunction('quick', async () => ({}), { timeoutSeconds: 1 });
    const hanging = engine.registerStateMachine('hanging', callbackDefinition());
    const quick = engine.registerStateMachine('quick', {
      StartAt: 'Call',
      States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'quick', Payload: {} }, TimeoutSeconds: 60, End: true } },
    });

    // Act
    const { executionArn } = await engine.startExecution(hanging, {});
    const finished = await engine.waitForExecution(executionArn, 20_000);
    const fine = await engine.waitForExecution((await engine.startExecution(quick, {})).executionArn, 10_000);

    // Assess
    expect(finished).toMatchObject({ status: 'FAILED', error: 'Sandbox.Timedout' });
    expect(JSON.parse(finished.cause ?? '')).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
    expect(fine.status).toBe('SUCCEEDED');
  });

  it('keeps the old definition for a running execution when the name is registered again', async () => {
    // Prepare
    const callback = recordingFunction();
    const engine = new LocalStepFunctions({ functions: { callback: callback.handler } });
    engines.push(engine);
    const { End: _end, ...wait } = callbackDefinition().States.Wait;
    const arn = engine.registerStateMachine('versioned', {
      StartAt: 'Wait',
      States: { Wait: { ...wait, Next: 'Version' }, Version: { Type: 'Pass', Result: 1, ResultPath: '$.version', End: true } },
    });
    const old = await engine.startExecution(arn, {});
    const { taskToken } = await callback.call(1);

    // Act
    engine.registerStateMachine('versioned', { StartAt: 'Version', States: { Version: { Type: 'Pass', Result: 2, ResultPath: '$.version', End: true } } });
    const fresh = await engine.startExecution(arn, {});
    await engine.sendTaskSuccess(taskToken, {});

    // Assess
    await expect(engine.waitForExecution(fresh.executionArn, 10_000)).resolves.toMatchObject({ output: { version: 2 } });
    await expect(engine.waitForExecution(old.executionArn, 10_000)).resolves.toMatchObject({ output: { version: 1 } });
  });

  it('refuses definitions it cannot run faithfully with InvalidDefinition', () => {
    // Prepare
    const engine = new LocalStepFunctions({ functions: {} });
    engines.push(engine);
    const withAssign = { StartAt: 'P', States: { P: { Type: 'Pass', Assign: { x: 1 }, End: true } } };
    const withJsonata = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    const withSqs = {
      StartAt: 'Q',
      States: { Q: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'q', MessageBody: 'm' }, End: true } },
    };
    const broken = { StartAt: 'Missing', States: { P: { Type: 'Pass', End: true } } };

    // Act
    const attempts = [withAssign, withJsonata, withSqs, broken].map((definition) => () => engine.registerStateMachine('bad', definition));

    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(expect.objectContaining({ name: 'InvalidDefinition' }));
  });
});
