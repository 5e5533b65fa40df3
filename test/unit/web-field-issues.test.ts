import { describe, expect, it } from 'vitest';
import { fieldPaths, nodesWithIssues, ordered, type Flow } from '../../web/views/flows/flow-model.ts';
import { hitlFieldPaths, placeIssues } from '../../web/views/hitl/hitl-model.ts';

const hitl = (escalationLevels: number) =>
  ({
    mode: 'blocking',
    approvedTools: [],
    blockedTools: [],
    approvers: { groups: ['approvers'], users: [] },
    allowSelfApproval: false,
    distinctApproversPerLevel: false,
    onTimeout: 'escalate',
    quorum: { approvals: 1, rejections: 1 },
    policies: [],
    escalation: Array.from({ length: escalationLevels }, () => ({ approvers: { groups: ['leads'], users: [] }, timeoutSeconds: 60 })),
  }) as Flow['nodes'][number]['hitl'];

describe('where the flow and gate forms show an issue', () => {
  it('puts each issue under the field with the longest matching path, and lists the rest', () => {
    // Prepare
    const paths = hitlFieldPaths('nodes.1.hitl', hitl(2));
    // Act
    const placed = placeIssues(
      [
        { path: 'nodes.1.hitl.approvers', message: 'needs at least one approver' },
        { path: 'nodes.1.hitl.escalation.1.timeoutSeconds', message: 'too short' },
        { path: 'nodes.1.hitl.policies.0.when', message: 'does not compile' },
        { path: 'nodes.1.hitl.escalation.1.approvers', message: 'empty level' },
        { path: 'nodes.0.hitl.mode', message: 'another node' },
        { path: 'nodes.1.hitl.approversX', message: 'a look-alike prefix' },
      ],
      paths,
    );
    // Assess
    expect(Object.fromEntries(placed.byField)).toEqual({
      'nodes.1.hitl.approvers': ['needs at least one approver'],
      'nodes.1.hitl.escalation.1.timeoutSeconds': ['too short'],
      'nodes.1.hitl.policies': ['does not compile'],
      'nodes.1.hitl.escalation.1': ['empty level'],
    });
    expect(placed.unplaced.map((issue) => issue.path)).toEqual(['nodes.0.hitl.mode', 'nodes.1.hitl.approversX']);
  });

  it('gives every escalation level its own fields, and a gate its paths under hitl', () => {
    expect(hitlFieldPaths('hitl', hitl(1))).toContain('hitl.escalation.0.approvers.users');
    expect(hitlFieldPaths('hitl', hitl(1))).not.toContain('hitl.escalation.1');
  });

  it('marks the nodes an issue points into', () => {
    expect([...nodesWithIssues([{ path: 'nodes.2.hitl.mode', message: '' }, { path: 'nodes', message: '' }, { path: 'nodes.10', message: '' }])]).toEqual([2, 10]);
  });
});

describe('the flow graph order', () => {
  const node = (id: string) => ({ id, type: 'tool', tool: 't', args: {}, argPaths: {}, hitl: hitl(0) }) as Flow['nodes'][number];

  it('follows the edges from startAt, then adds the nodes no edge reaches, and stops at a cycle', () => {
    // Prepare
    const flow = { nodes: [node('c'), node('a'), node('b'), node('lonely')], edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }], startAt: 'a' };
    // Act
    const order = ordered(flow);
    // Assess
    expect(order).toEqual([1, 2, 0, 3]);
  });

  it('lists the voice fields after the selected node\'s', () => {
    const flow = { nodes: [node('a')], edges: [] } as unknown as Flow;
    expect(fieldPaths(flow, 0).slice(-3)).toEqual(['channel', 'voice.holdMessage', 'voice.holdMusicUrl']);
  });
});
