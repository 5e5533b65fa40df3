import { describe, expect, it } from 'vitest';
import { DEFAULT_HOLD_MESSAGE, flowPath, FlowSchema, type FlowInput } from '#core/flow';
import { ValidationError } from '#core/errors';
import { parseFlow } from '../../statemachines/flows.ts';

const approvers = { groups: ['approvers'] };
const agent = (id: string, hitl: Record<string, unknown> = { mode: 'confirm_tools', approvers }) => ({ id, type: 'agent' as const, tools: ['search'], hitl: hitl as never });
const flow = (overrides: Partial<FlowInput> = {}): FlowInput => ({ id: 'f', name: 'F', nodes: [agent('a')], ...overrides });
const issuesOf = (input: unknown) => {
  const result = FlowSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
};

describe('flow schema', () => {
  it('fills the defaults: async channel, revision 1, the default hold message, the scripted model', () => {
    const parsed = FlowSchema.parse(flow());
    expect(parsed).toMatchObject({ channel: 'async', revision: 1, voice: { holdMessage: DEFAULT_HOLD_MESSAGE }, edges: [] });
    expect(parsed.nodes[0]).toMatchObject({ model: { provider: 'scripted' }, maxTurns: 8 });
  });

  it('orders nodes along the edges from startAt', () => {
    const parsed = FlowSchema.parse(flow({ startAt: 'b', nodes: [agent('a'), agent('b'), agent('c')], edges: [{ from: 'b', to: 'c' }, { from: 'c', to: 'a' }] }));
    expect(flowPath(parsed).map((node) => node.id)).toEqual(['b', 'c', 'a']);
  });

  it('refuses duplicate ids, dangling edges, forks, loops and unreachable nodes, naming each', () => {
    expect(issuesOf(flow({ nodes: [agent('a'), agent('a')] }))).toContainEqual({ path: 'nodes.1.id', message: 'node id "a" is used twice' });
    expect(issuesOf(flow({ edges: [{ from: 'a', to: 'zz' }] }))).toContainEqual({ path: 'edges.0.to', message: 'no node "zz"' });
    expect(issuesOf(flow({ nodes: [agent('a'), agent('b'), agent('c')], edges: [{ from: 'a', to: 'b' }, { from: 'a', to: 'c' }] }))).toContainEqual(
      expect.objectContaining({ path: 'edges.1.from', message: 'node "a" already has an outgoing edge' }),
    );
    expect(issuesOf(flow({ nodes: [agent('a'), agent('b')], edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }] }))).toContainEqual(
      expect.objectContaining({ path: 'edges' }),
    );
    expect(issuesOf(flow({ nodes: [agent('a'), agent('b')] }))).toContainEqual({ path: 'nodes.1.id', message: 'node "b" is not reachable from "a"' });
  });

  it('refuses a voice gate above 5 minutes and escalation in a voice flow', () => {
    const issues = issuesOf(
      flow({
        channel: 'voice',
        nodes: [
          agent('a', { mode: 'confirm_tools', approvers, timeoutSeconds: 301 }),
          agent('b', { mode: 'blocking', approvers, timeoutSeconds: 60, onTimeout: 'escalate', escalation: [{ approvers, timeoutSeconds: 60 }] }),
        ],
        edges: [{ from: 'a', to: 'b' }],
      }),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['nodes.0.hitl.timeoutSeconds', 'nodes.1.hitl.onTimeout']);
    expect(issues[0].message).toContain('at most 300 s');
  });

  it('accepts a voice gate of 1 second, and the same 10 minutes in an async flow', () => {
    expect(issuesOf(flow({ channel: 'voice', nodes: [agent('a', { mode: 'confirm_tools', approvers, timeoutSeconds: 1 })] }))).toEqual([]);
    expect(issuesOf(flow({ nodes: [agent('a', { mode: 'confirm_tools', approvers, timeoutSeconds: 600 })] }))).toEqual([]);
  });

  it('refuses fixed tool arguments that Step Functions would read as paths', () => {
    const node = { id: 't', type: 'tool' as const, tool: 'send_email', args: { nested: { 'to.$': '$.x' } }, hitl: { mode: 'disabled' as const } };
    expect(issuesOf(flow({ nodes: [node] }))).toContainEqual(expect.objectContaining({ path: 'nodes.0.args' }));
  });

  it('checks that every tool a flow names is registered', () => {
    const unknownTool = () => parseFlow(flow({ nodes: [{ ...agent('a'), tools: ['search', 'wire_money'] }] }), ['search', 'send_email']);
    expect(unknownTool).toThrow(ValidationError);
    expect(unknownTool).toThrow('nodes.0.tools: no tool "wire_money" is registered');
  });
});

describe('execution ARNs', () => {
  it('names executions after the state machine, never its version or alias', async () => {
    const { executionArnOf } = await import('#core/flow-execution');
    const machine = 'arn:aws:states:eu-west-1:123456789012:stateMachine:flow-support-agent';
    expect(executionArnOf(machine, 'e1')).toBe('arn:aws:states:eu-west-1:123456789012:execution:flow-support-agent:e1');
    expect(executionArnOf(`${machine}:7`, 'e1')).toBe('arn:aws:states:eu-west-1:123456789012:execution:flow-support-agent:e1');
    expect(executionArnOf(`${machine}:live`, 'e1')).toBe('arn:aws:states:eu-west-1:123456789012:execution:flow-support-agent:e1');
  });

  it('finds the state machine a version or alias ARN belongs to', async () => {
    const { unqualifiedStateMachineArn } = await import('#core/flow-execution');
    const machine = 'arn:aws:states:eu-west-1:123456789012:stateMachine:flow-support-agent';
    expect(unqualifiedStateMachineArn(`${machine}:live`)).toBe(machine);
    expect(unqualifiedStateMachineArn(`${machine}:12`)).toBe(machine);
    expect(unqualifiedStateMachineArn(machine)).toBe(machine);
    expect(() => unqualifiedStateMachineArn('arn:aws:lambda:eu-west-1:123456789012:function:x')).toThrow('not a state machine ARN');
  });
});
