import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { loadDefinition, substitute } from '#statemachines/definitions';

const GATE_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:hitl-approval-gate';

function gateDefinition() {
  return substitute(loadDefinition('approval-gate'), { GateFunctionArn: GATE_FUNCTION_ARN });
}

describe('approval-gate.asl.json', () => {
  it('passes asl-validator once the gate function is substituted', () => {
    // Prepare
    const definition = gateDefinition();

    // Act
    const result = aslValidator(definition, { checkArn: true, checkPaths: true });

    // Assess
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('waits on a task token, with a timeout, retries for Lambda service errors and a catcher for States.Timeout', () => {
    // Prepare
    const definition = gateDefinition();

    // Act
    const gate = definition.States[definition.StartAt];

    // Assess
    expect(definition.StartAt).toBe('WaitForApproval');
    expect(gate).toEqual(
      expect.objectContaining({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        TimeoutSecondsPath: '$.gateTimeoutSeconds',
        ResultPath: '$.approval',
        Parameters: expect.objectContaining({
          FunctionName: GATE_FUNCTION_ARN,
          Payload: expect.objectContaining({
            'taskToken.$': '$$.Task.Token',
            'executionId.$': '$$.Execution.Id',
            'requestedBy.$': '$.requestedBy',
          }),
        }),
        Retry: [
          expect.objectContaining({
            ErrorEquals: expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException']),
            MaxAttempts: 3,
            BackoffRate: 2,
          }),
        ],
        Catch: [expect.objectContaining({ ErrorEquals: ['States.Timeout'], Next: 'GateTimedOut' })],
      }),
    );
  });

  it('turns the hard time limit into a timed_out decision', () => {
    // Prepare
    const definition = gateDefinition();

    // Act
    const timedOut = definition.States.GateTimedOut;

    // Assess
    expect(timedOut).toEqual(
      expect.objectContaining({
        Type: 'Pass',
        ResultPath: '$.approval',
        Result: expect.objectContaining({ outcome: 'timed_out', approver: 'system:timeout', scope: 'once' }),
        Next: 'Decision?',
      }),
    );
  });

  it('ends each known outcome in a Succeed state and anything else in a Fail state', () => {
    // Prepare
    const definition = gateDefinition();
    const choice = definition.States['Decision?'] as { Choices: { StringEquals: string; Next: string }[]; Default: string };

    // Act
    const targets = Object.fromEntries(choice.Choices.map((rule) => [rule.StringEquals, definition.States[rule.Next]]));

    // Assess
    expect(targets).toEqual({
      approved: { Type: 'Succeed' },
      rejected: { Type: 'Succeed' },
      timed_out: { Type: 'Succeed' },
      cancelled: expect.objectContaining({ Type: 'Succeed' }),
    });
    expect(definition.States[choice.Default]).toEqual(expect.objectContaining({ Type: 'Fail' }));
  });

  it('refuses to leave a placeholder without a value', () => {
    // Prepare
    const definition = loadDefinition('approval-gate');

    // Act
    const act = () => substitute(definition, {});

    // Assess
    expect(act).toThrow(/\$\{GateFunctionArn\}/);
  });
});
