import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalStepFunctions } from '#local/stepfunctions-engine';

// Step Functions carries at most 256 KB into and out of every state; above it the execution fails
// with States.DataLimitExceeded, which neither Retry nor a States.ALL catcher handles. The local
// engine does the same, so local tests see what AWS does.

const engines: LocalStepFunctions[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.shutdown()));
});

function engineWith(fn: (payload: unknown) => Promise<unknown>) {
  let calls = 0;
  const engine = new LocalStepFunctions({ functions: { big: async (payload) => { calls += 1; return fn(payload); } } });
  engines.push(engine);
  return { engine, calls: () => calls };
}

const task = {
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: 'big', 'Payload.$': '$' },
  OutputPath: '$.Payload',
  TimeoutSeconds: 30,
  Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2 }],
  Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
  Next: 'Done',
};
const definition = { StartAt: 'Step', States: { Step: task, Caught: { Type: 'Succeed' }, Done: { Type: 'Succeed' } } };

describe('the 256 KB state data limit on the local engine', () => {
  it('fails the execution when a task result is above 256 KB, past Retry and a States.ALL catcher', async () => {
    const { engine, calls } = engineWith(async () => ({ text: 'x'.repeat(256 * 1024) }));
    const arn = engine.registerStateMachine('big-result', definition);
    const { executionArn } = await engine.startExecution(arn, {});
    const end = await engine.waitForExecution(executionArn, 5_000);
    expect(end).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringContaining("'Step' output") });
    expect(calls()).toBe(1);
  });

  it('fails the execution when any other state puts out more than 256 KB', async () => {
    const { engine } = engineWith(async (payload) => payload);
    const arn = engine.registerStateMachine('big-pass', {
      StartAt: 'Double',
      States: { Double: { Type: 'Pass', Parameters: { 'a.$': '$.text', 'b.$': '$.text' }, Next: 'Done' }, Done: { Type: 'Succeed' } },
    });
    const { executionArn } = await engine.startExecution(arn, { text: 'x'.repeat(150 * 1024) });
    const end = await engine.waitForExecution(executionArn, 5_000);
    expect(end).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringContaining("'Double' output") });
  });

  it('runs a state whose data stays under the limit', async () => {
    const { engine } = engineWith(async () => ({ text: 'x'.repeat(200 * 1024) }));
    const arn = engine.registerStateMachine('under', definition);
    const { executionArn } = await engine.startExecution(arn, {});
    expect((await engine.waitForExecution(executionArn, 5_000)).status).toBe('SUCCEEDED');
  });

  it('fails the execution when a task result merged by ResultPath makes the state output above 256 KB', async () => {
    const { engine } = engineWith(async () => 'y'.repeat(150 * 1024));
    const arn = engine.registerStateMachine('big-merge', {
      StartAt: 'Merge',
      States: {
        Merge: { ...task, Catch: undefined, Retry: undefined, OutputPath: '$', ResultSelector: { 'text.$': '$.Payload' }, ResultPath: '$.result' },
        Done: { Type: 'Succeed' },
      },
    });
    const { executionArn } = await engine.startExecution(arn, { text: 'x'.repeat(150 * 1024) });
    const end = await engine.waitForExecution(executionArn, 5_000);
    expect(end).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringContaining("'Merge' output") });
  });

  it('fails the execution when a Map collects more than 256 KB from its iterations', async () => {
    const { engine } = engineWith(async () => 'x'.repeat(100 * 1024));
    const arn = engine.registerStateMachine('big-map', {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: { StartAt: 'Fill', States: { Fill: { ...task, Catch: undefined, Retry: undefined, Next: undefined, End: true } } },
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    });
    const { executionArn } = await engine.startExecution(arn, { items: [1, 2, 3] });
    const end = await engine.waitForExecution(executionArn, 5_000);
    expect(end).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringContaining("'Each' output") });
  });

  it('refuses an execution input above 256 KB with ValidationException, starting nothing', async () => {
    const { engine, calls } = engineWith(async (payload) => payload);
    const arn = engine.registerStateMachine('big-input', definition);
    await expect(engine.startExecution(arn, { text: 'x'.repeat(256 * 1024) })).rejects.toMatchObject({ name: 'ValidationException' });
    expect(await engine.listExecutions()).toEqual([]);
    expect(calls()).toBe(0);
  });

  it('refuses a task token answer above 256 KB with ValidationException and keeps the task waiting', async () => {
    let token = '';
    const engine = new LocalStepFunctions({ functions: { gate: async (payload) => { token = (payload as { token: string }).token; return {}; } } });
    engines.push(engine);
    const arn = engine.registerStateMachine('big-answer', {
      StartAt: 'Wait',
      States: {
        Wait: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'gate', Payload: { 'token.$': '$$.Task.Token' } },
          TimeoutSeconds: 30,
          End: true,
        },
      },
    });
    const { executionArn } = await engine.startExecution(arn, {});
    await vi.waitFor(() => expect(token).not.toBe(''));
    await expect(engine.sendTaskSuccess(token, { text: 'x'.repeat(256 * 1024) })).rejects.toMatchObject({ name: 'ValidationException' });
    await engine.sendTaskSuccess(token, { ok: true });
    expect(await engine.waitForExecution(executionArn, 5_000)).toMatchObject({ status: 'SUCCEEDED', output: { ok: true } });
  });
});
