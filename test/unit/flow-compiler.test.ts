import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { FlowSchema, type FlowInput } from '#core/flow';
import { compileFlow, FLOW_SUBSTITUTION_KEYS } from '../../statemachines/compiler.ts';
import { substitute } from '../../statemachines/definitions.ts';
import { gateStatesOf, transitionsPerGate } from '../../statemachines/gate-transitions.ts';
import { resumeDefinition } from '../../statemachines/resume.ts';
import { shippedFlows } from '../support/flows.ts';

const ARNS = Object.fromEntries(FLOW_SUBSTITUTION_KEYS.map((key) => [key, `arn:aws:lambda:eu-west-1:123456789012:function:${key}`]));
const approvers = { groups: ['approvers'] };
const oneNode = (hitl: Record<string, unknown>, extra: Partial<FlowInput> = {}) =>
  FlowSchema.parse({ id: 'f', name: 'F', nodes: [{ id: 'agent', type: 'agent', tools: ['search', 'send_email'], hitl }], ...extra });
const states = (definition: { States: Record<string, unknown> }) => definition.States as Record<string, any>;

describe('flow compiler', () => {
  it.each(shippedFlows().map((flow) => [flow.id, flow] as const))('compiles the sample flow %s to ASL that asl-validator accepts', (_id, input) => {
    const definition = substitute(compileFlow(FlowSchema.parse(input)), ARNS);
    const result = aslValidator(structuredClone(definition));
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
    expect(JSON.stringify(definition)).not.toMatch(/JSONata|"Assign"|"Type":"Map"/);
  });

  it('compiles disabled and audit nodes without any gate state', () => {
    for (const mode of ['disabled', 'audit']) {
      const definition = compileFlow(oneNode({ mode }));
      expect(Object.keys(definition.States)).toEqual(['agent.Agent', 'agent.Route', 'agent.Tool', 'Done', 'RecordFailure', 'Failed']);
      expect(gateStatesOf(definition)).toEqual([]);
    }
  });

  it('gives a gated node a top-level waitForTaskToken gate that checkpoints its state and catches its timeout', () => {
    const definition = compileFlow(oneNode({ mode: 'confirm_tools', approvers, timeoutSeconds: 600, onTimeout: 'escalate', escalation: [{ approvers, timeoutSeconds: 900 }] }));
    const gate = states(definition)['agent.Gate'];
    expect(gate).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: '${FlowGateFunctionArn}',
        Payload: {
          'taskToken.$': '$$.Task.Token',
          'executionId.$': '$$.Execution.Name',
          'step.$': '$.gate.step',
          'action.$': '$.gate.action',
          'requestedBy.$': '$.requestedBy',
          checkpoint: { schemaVersion: 1, stateName: 'agent.Gate', 'state.$': '$' },
        },
      },
      // Each level at its timeout plus its longest extension (by default its timeout again), then the margin.
      TimeoutSeconds: 2 * 600 + 2 * 900 + 300,
      ResultPath: '$.decision',
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'agent.TimedOut' }, { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordFailure' }],
      Next: 'agent.Apply',
    });
    expect(gate.Parameters.Payload.hold).toBeUndefined();
    expect(states(definition)['agent.Route'].Choices).toContainEqual({ Variable: '$.next', StringEquals: 'gate', Next: 'agent.Gate' });
  });

  it('times a voice gate out at its deadline, 3 minutes by default, and carries the hold notice', () => {
    const byDefault = compileFlow(oneNode({ mode: 'confirm_tools', approvers }, { channel: 'voice' }));
    const tiny = compileFlow(oneNode({ mode: 'confirm_tools', approvers, timeoutSeconds: 2 }, { channel: 'voice', voice: { holdMessage: 'Hold on.', holdMusicUrl: 'https://example.com/m.mp3' } }));
    expect(states(byDefault)['agent.Gate'].TimeoutSeconds).toBe(180);
    expect(states(byDefault)['agent.Gate'].Parameters.Payload).toMatchObject({ channel: 'voice', hold: { message: 'I need to verify this with my team. One moment please.' } });
    expect(states(tiny)['agent.Gate'].TimeoutSeconds).toBe(2);
    expect(states(tiny)['agent.Gate'].Parameters.Payload.hold).toEqual({ message: 'Hold on.', musicUrl: 'https://example.com/m.mp3' });
  });

  it('costs at most 4 state transitions per gate in every mode', () => {
    for (const mode of ['blocking', 'confirm_tools']) {
      for (const channel of ['async', 'voice']) {
        expect(transitionsPerGate(compileFlow(oneNode({ mode, approvers }, { channel: channel as 'async' })))).toEqual([{ gate: 'agent.Gate', onDecision: 3, onTimeout: 4 }]);
      }
    }
    const forward = compileFlow(FlowSchema.parse(shippedFlows().find((flow) => flow.id === 'answer-and-forward')));
    expect(transitionsPerGate(forward)).toEqual([{ gate: 'forward.Gate', onDecision: 3, onTimeout: 4 }]);
  });

  it('runs a tool task again at once when its invocation crashed or timed out, and no longer waits out a lease', () => {
    const definition = compileFlow(oneNode({ mode: 'confirm_tools', approvers }));
    for (const name of ['agent.Tool', 'agent.Apply']) {
      const retry = states(definition)[name].Retry as { ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number }[];
      expect(retry).toContainEqual(expect.objectContaining({ ErrorEquals: expect.arrayContaining(['States.Timeout', 'Sandbox.Timedout', 'Lambda.Unknown']), IntervalSeconds: 2 }));
      expect(JSON.stringify(retry)).not.toContain('ToolRunInProgress');
    }
  });

  it('builds a tool node call from fixed arguments and state paths', () => {
    const forward = compileFlow(FlowSchema.parse(shippedFlows().find((flow) => flow.id === 'answer-and-forward')));
    expect(states(forward)['forward.Tool'].Parameters.Payload.call).toEqual({
      id: 'forward',
      name: 'send_email',
      args: { to: 'support-team@example.com', subject: 'A customer question and our answer', 'body.$': '$.output.message' },
    });
    expect(states(forward)['answer.Route'].Default).toBe('forward.Tool');
    // After the decision the node's router moves on, or back to the gate when the run was interrupted
    expect(states(forward)['forward.Apply'].Next).toBe('forward.Route');
    expect(states(forward)['forward.Route']).toEqual({ Type: 'Choice', Choices: [{ Variable: '$.next', StringEquals: 'gate', Next: 'forward.Gate' }], Default: 'Done' });
  });

  it('resumes at a gate with a copy that keeps only the reachable states and still validates', () => {
    const definition = substitute(compileFlow(FlowSchema.parse(shippedFlows().find((flow) => flow.id === 'answer-and-forward'))), ARNS);
    const resumed = resumeDefinition(definition, 'forward.Gate');
    expect(resumed.StartAt).toBe('forward.Gate');
    expect(Object.keys(resumed.States).sort()).toEqual(['Done', 'Failed', 'RecordFailure', 'forward.Apply', 'forward.Gate', 'forward.Route', 'forward.TimedOut']);
    expect(aslValidator(structuredClone(resumed)).isValid).toBe(true);
    expect(() => resumeDefinition(definition, 'nope')).toThrow('no state "nope"');
  });
});
