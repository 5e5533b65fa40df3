import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffArgs } from '../../web/views/inbox/args-diff.ts';
import { blocksApproval, readArgs } from '../../web/views/inbox/args-edit.ts';
import { checkAgainstSchema } from '../../web/views/inbox/json-schema-check.ts';

const refund = JSON.parse(readFileSync(new URL('../../tools/refund.json', import.meta.url), 'utf8')).argsSchema;

describe('checking edited arguments against a tool schema in the browser', () => {
  it('accepts arguments the refund tool takes', () => {
    expect(checkAgainstSchema(refund, { orderId: 'A-1001', amount: 49.99, country: 'DE' })).toEqual([]);
  });

  it('names each field that breaks the schema: required, type, bounds, pattern, unknown', () => {
    const issues = checkAgainstSchema(refund, { orderId: 'bad id!', amount: 0, country: 'de', note: 'x' });
    expect(issues).toEqual([
      { path: 'orderId', message: 'must match ^[A-Za-z0-9][A-Za-z0-9-]{0,39}$' },
      { path: 'amount', message: 'must be more than 0' },
      { path: 'country', message: 'must match ^[A-Z]{2}$' },
      { path: 'note', message: 'is not an argument of this tool' },
    ]);
    expect(checkAgainstSchema(refund, { orderId: 'A-1', amount: '12' })).toEqual([
      { path: 'country', message: 'is required' },
      { path: 'amount', message: 'must be number, not string' },
    ]);
    expect(checkAgainstSchema(refund, { orderId: 'A-1', amount: 100001, country: 'DE' })).toEqual([{ path: 'amount', message: 'must be at most 100000' }]);
  });

  it('checks enum, string lengths, integers and array items', () => {
    const schema = {
      type: 'object',
      properties: {
        priority: { enum: ['low', 'high'] },
        subject: { type: 'string', minLength: 2, maxLength: 5 },
        count: { type: 'integer', minimum: 1 },
        tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
      },
    };
    expect(checkAgainstSchema(schema, { priority: 'mid', subject: 'x', count: 1.5, tags: ['a', 2, 'c'] })).toEqual([
      { path: 'priority', message: 'must be one of "low", "high"' },
      { path: 'subject', message: 'must be at least 2 characters' },
      { path: 'count', message: 'must be integer, not number' },
      { path: 'tags', message: 'must have at most 2 items' },
      { path: 'tags[1]', message: 'must be string, not integer' },
    ]);
    expect(checkAgainstSchema(schema, { priority: 'low', subject: 'hello', count: 3, tags: [] })).toEqual([]);
  });

  it('reads the editor text: not JSON, not an object, invalid, unchanged or changed', () => {
    const proposed = { orderId: 'A-1', amount: 10, country: 'DE' };
    expect(readArgs('{"orderId":', proposed, refund)).toMatchObject({ ok: false, error: expect.stringContaining('not valid JSON') });
    expect(readArgs('[1]', proposed, refund)).toMatchObject({ ok: false, error: expect.stringContaining('must be a JSON object') });
    expect(readArgs('{"orderId":"A-1","amount":-1,"country":"DE"}', proposed, refund)).toMatchObject({ ok: false, issues: [{ path: 'amount' }] });
    expect(readArgs(JSON.stringify(proposed, null, 2), proposed, refund)).toEqual({ ok: true, args: proposed, changed: false });
    expect(readArgs('{"orderId":"A-1","amount":5,"country":"DE"}', proposed, null)).toMatchObject({ ok: true, changed: true });
  });

  it('blocks approving a broken edit or text that is not arguments, not the unchanged proposal', () => {
    const proposed = { orderId: 'A-1', amount: -1, country: 'DE' };
    expect(blocksApproval(readArgs(JSON.stringify(proposed), proposed, refund))).toBe(false);
    expect(blocksApproval(readArgs('{"orderId":"A-1","amount":-2,"country":"DE"}', proposed, refund))).toBe(true);
    expect(blocksApproval(readArgs('nope', proposed, refund))).toBe(true);
    expect(blocksApproval(readArgs('{"orderId":"A-1","amount":2,"country":"DE"}', proposed, refund))).toBe(false);
  });

  it('lists the changed, removed and added arguments', () => {
    expect(diffArgs({ a: 1, b: 'x', c: true }, { a: 2, c: true, d: [1] })).toEqual([
      { key: 'a', kind: 'changed', before: '1', after: '2' },
      { key: 'b', kind: 'removed', before: '"x"' },
      { key: 'd', kind: 'added', after: '[1]' },
    ]);
    expect(diffArgs({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
