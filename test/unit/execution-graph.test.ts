import { describe, expect, it } from 'vitest';
import { executionGraph, nodeIdOfState, STEP_DATA_LIMITS, stepFunctionsConsoleUrl, stepsOf, type StepEvent } from '#core/execution-graph';
import { stepEventsOf } from '../../lambdas/adapters/stepfunctions/history-events.ts';

const nodes = new Set(['agent', 'send.mail']);
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

describe('stepsOf', () => {
  it('pairs each entered state with its exit or failure, in the order entered, and names its node', () => {
    const events: StepEvent[] = [
      { kind: 'entered', state: 'agent.Agent', at: at(1), data: { q: 1 } },
      { kind: 'exited', state: 'agent.Agent', at: at(2), data: { a: 1 } },
      { kind: 'entered', state: 'send.mail.Gate', at: at(3), data: {} },
      { kind: 'failed', state: 'send.mail.Gate', at: at(4), error: 'States.Timeout', cause: 'x'.repeat(10_000) },
      { kind: 'entered', state: 'Done', at: at(5) },
    ];
    const steps = stepsOf(events, nodes);
    expect(steps.map((step) => [step.state, step.nodeId, step.status])).toEqual([
      ['agent.Agent', 'agent', 'succeeded'],
      ['send.mail.Gate', 'send.mail', 'failed'],
      ['Done', undefined, 'running'],
    ]);
    expect(steps[0]).toMatchObject({ enteredAt: at(1), exitedAt: at(2), input: { q: 1 }, output: { a: 1 } });
    expect(steps[1]).toMatchObject({ error: 'States.Timeout' });
    expect(steps[1].cause).toHaveLength(4096);
  });

  it('keeps one step for a wait that a new run picks up again (entered twice before its exit)', () => {
    const steps = stepsOf(
      [
        { kind: 'entered', state: 'agent.Gate', at: at(1), data: { first: true } },
        { kind: 'entered', state: 'agent.Gate', at: at(5), data: { first: false } },
        { kind: 'exited', state: 'agent.Gate', at: at(9), data: { decided: true } },
        { kind: 'entered', state: 'agent.Gate', at: at(10) },
      ],
      nodes,
    );
    expect(steps.map((step) => [step.state, step.status, step.enteredAt, step.exitedAt])).toEqual([
      ['agent.Gate', 'succeeded', at(1), at(9)],
      ['agent.Gate', 'running', at(10), undefined],
    ]);
    expect(steps[0]).toMatchObject({ input: { first: true }, output: { decided: true } });
  });

  it('hides any string under a key ending in "token" and leaves values above the size limit out, saying how large they were', () => {
    const big = 'y'.repeat(STEP_DATA_LIMITS.perValueBytes);
    const steps = stepsOf(
      [
        { kind: 'entered', state: 'agent.Gate', at: at(1), data: { taskToken: 'secret-token-value', nested: [{ TaskToken: 'another' }], tokens: 3 } },
        { kind: 'exited', state: 'agent.Gate', at: at(2), data: { big } },
      ],
      nodes,
    );
    expect(JSON.stringify(steps)).not.toContain('secret-token-value');
    expect(JSON.stringify(steps)).not.toContain('another');
    expect(steps[0].input).toEqual({ taskToken: '(hidden)', nested: [{ TaskToken: '(hidden)' }], tokens: 3 });
    expect(steps[0].output).toBeUndefined();
    expect(steps[0].omitted).toEqual([{ field: 'output', bytes: Buffer.byteLength(JSON.stringify({ big })) }]);
  });

  it('stops carrying values once the whole response budget is spent', () => {
    const value = { text: 'z'.repeat(STEP_DATA_LIMITS.perValueBytes - 100) };
    const count = Math.ceil(STEP_DATA_LIMITS.totalBytes / STEP_DATA_LIMITS.perValueBytes) + 3;
    const events: StepEvent[] = Array.from({ length: count }, (_, i) => ({ kind: 'entered', state: `agent.S${i}`, at: at(i), data: value }));
    const steps = stepsOf(events, new Set(['agent']));
    const carried = steps.filter((step) => step.input !== undefined).length;
    expect(carried).toBeLessThan(count);
    expect(carried * JSON.stringify(value).length).toBeLessThanOrEqual(STEP_DATA_LIMITS.totalBytes);
    expect(steps.at(-1)!.omitted).toEqual([{ field: 'input', bytes: JSON.stringify(value).length }]);
  });
});

describe('nodeIdOfState', () => {
  it('takes the part before the last dot, only when it is a node of the flow', () => {
    expect(nodeIdOfState('send.mail.Tool', nodes)).toBe('send.mail');
    expect(nodeIdOfState('other.Tool', nodes)).toBeUndefined();
    expect(nodeIdOfState('Done', nodes)).toBeUndefined();
  });
});

describe('executionGraph', () => {
  const flow = {
    id: 'f',
    revision: 2,
    nodes: [
      { id: 'agent', type: 'agent', name: 'Agent', hitl: { mode: 'confirm_tools' } },
      { id: 'send', type: 'tool', hitl: { mode: 'blocking' } },
      { id: 'after', type: 'tool', hitl: { mode: 'disabled' } },
    ],
    edges: [
      { from: 'agent', to: 'send' },
      { from: 'send', to: 'after' },
    ],
  } as never;

  it('marks where the execution waits, what it passed and what it has not reached', () => {
    const graph = executionGraph({
      executionId: 'e1',
      status: 'waiting_for_approval',
      flow,
      steps: [
        { nodeId: 'agent', state: 'agent.Agent', status: 'succeeded', enteredAt: at(1), exitedAt: at(2) },
        { nodeId: 'send', state: 'send.Gate', status: 'running', enteredAt: at(3) },
      ],
      approvals: [{ id: 'apr_1', nodeId: 'send', status: 'pending' }],
    });
    expect(graph.nodes.map((node) => [node.id, node.name, node.status])).toEqual([
      ['agent', 'Agent', 'done'],
      ['send', 'send', 'waiting'],
      ['after', 'after', 'not_reached'],
    ]);
    expect(graph.nodes[1].approvals).toEqual([{ id: 'apr_1', status: 'pending' }]);
    expect(graph.edges).toHaveLength(2);
  });

  it('shows a failed node, and a running one while the execution runs', () => {
    const graph = executionGraph({
      executionId: 'e1',
      status: 'running',
      flow,
      steps: [
        { nodeId: 'agent', state: 'agent.Agent', status: 'failed', enteredAt: at(1), exitedAt: at(2), error: 'Boom' },
        { nodeId: 'send', state: 'send.Tool', status: 'running', enteredAt: at(3) },
      ],
      approvals: [],
    });
    expect(graph.nodes.map((node) => node.status)).toEqual(['failed', 'running', 'not_reached']);
  });
});

describe('stepFunctionsConsoleUrl', () => {
  it('links an AWS execution ARN to its console page in its region', () => {
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:dev-flow-x:e1';
    expect(stepFunctionsConsoleUrl(arn)).toBe(`https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${encodeURIComponent(arn)}`);
    expect(stepFunctionsConsoleUrl('not-an-arn')).toBeUndefined();
  });
});

describe('stepEventsOf (GetExecutionHistory events)', () => {
  it('reads entered and exited states with their data, and gives a failure to the newest open state', () => {
    const t = new Date(Date.UTC(2026, 0, 1));
    const steps = stepEventsOf([
      { id: 1, timestamp: t, type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } },
      { id: 2, timestamp: t, type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'agent.Agent', input: '{"a":1}' } },
      { id: 3, timestamp: t, type: 'TaskStateExited', stateExitedEventDetails: { name: 'agent.Agent', output: '{"b":2}' } },
      { id: 4, timestamp: t, type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'agent.Gate', input: 'not json' } },
      { id: 5, timestamp: t, type: 'TaskFailed', taskFailedEventDetails: { error: 'Hitl.Rejected', cause: 'no', resource: 'x', resourceType: 'lambda' } },
    ] as never);
    expect(steps).toEqual([
      { kind: 'entered', state: 'agent.Agent', at: t.toISOString(), data: { a: 1 } },
      { kind: 'exited', state: 'agent.Agent', at: t.toISOString(), data: { b: 2 } },
      { kind: 'entered', state: 'agent.Gate', at: t.toISOString(), data: 'not json' },
      { kind: 'failed', state: 'agent.Gate', at: t.toISOString(), error: 'Hitl.Rejected', cause: 'no' },
    ]);
  });
});
