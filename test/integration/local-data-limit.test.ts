import { afterEach, describe, expect, it } from 'vitest';
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
});
