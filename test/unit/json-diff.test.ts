import { describe, expect, it } from 'vitest';
import { diffJson } from '#core/json-diff';

describe('diffJson', () => {
  it('names each changed leaf by its dotted path, like validation issues', () => {
    const before = { name: 'a', nodes: [{ id: 'agent', hitl: { mode: 'confirm_tools', timeoutSeconds: 60 } }] };
    const after = { name: 'a', nodes: [{ id: 'agent', hitl: { mode: 'blocking' } }] };

    expect(diffJson(before, after)).toEqual([
      { path: 'nodes.0.hitl.mode', op: 'changed', before: 'confirm_tools', after: 'blocking' },
      { path: 'nodes.0.hitl.timeoutSeconds', op: 'removed', before: 60 },
    ]);
  });

  it('treats a list of plain values as one value, and lists of objects element by element', () => {
    const before = { tools: ['search'], edges: [{ from: 'a', to: 'b' }] };
    const after = { tools: ['search', 'send_email'], edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }] };

    expect(diffJson(before, after)).toEqual([
      { path: 'tools', op: 'changed', before: ['search'], after: ['search', 'send_email'] },
      { path: 'edges.1', op: 'added', after: { from: 'b', to: 'c' } },
    ]);
  });

  it('finds nothing between equal values, undefined fields aside', () => {
    expect(diffJson({ a: 1, b: { c: [1, 2] }, d: undefined }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('cuts a long diff, saying how many changes it left out', () => {
    const before = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
    const after = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i + 1]));

    const diff = diffJson(before, after, 4);

    expect(diff).toHaveLength(4);
    expect(diff[3]).toEqual({ path: '…', op: 'changed', after: '7 more changes' });
  });
});
