// Built into a Lambda-style bundle by test/infra/zod-in-bundles.test.ts, and run unbundled by the same
// test: the argument schema of a saved tool, read from its JSON Schema, judging a few arguments.
import { argsSchemaOf } from '../../lambdas/tools/data-tool.ts';

const TICKET = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    email: { type: 'string', format: 'email' },
    title: { type: 'string', minLength: 3, maxLength: 20, pattern: '^[A-Z]' },
    priority: { enum: ['low', 'high'] },
    amount: { type: 'number', minimum: 0, maximum: 100 },
    count: { type: 'integer', multipleOf: 2 },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
    when: { type: 'string', format: 'date-time' },
    note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    meta: { type: 'object', additionalProperties: { type: 'boolean' } },
  },
  required: ['id', 'title'],
  additionalProperties: false,
};

const ARGS: unknown[] = [
  { id: '0b7a4b8e-2c1d-4f5e-9a3b-6c7d8e9f0a1b', title: 'Refund' },
  { id: '0b7a4b8e-2c1d-4f5e-9a3b-6c7d8e9f0a1b', title: 'Refund', email: 'ann@example.com', priority: 'high', amount: 12.5, count: 4, tags: ['a'], when: '2026-12-05T08:00:00Z', note: null, meta: { vip: true } },
  { id: 'not-a-uuid', title: 'Refund' },
  { id: '0b7a4b8e-2c1d-4f5e-9a3b-6c7d8e9f0a1b', title: 'refund' },
  { id: '0b7a4b8e-2c1d-4f5e-9a3b-6c7d8e9f0a1b', title: 'Refund', email: 'nope' },
  { id: '0b7a4b8e-2c1d-4f5e-9a3b-6c7d8e9f0a1b', title: 'Refund', amount: 101, count: 3 },
  { id: '0b7a4b8e-2c1d-4f5e-9a3b-6c7d8e9f0a1b', title: 'Refund', tags: ['a', 'b', 'c'], priority: 'urgent' },
  { id: '0b7a4b8e-2c1d-4f5e-9a3b-6c7d8e9f0a1b', title: 'Refund', when: 'yesterday', meta: { vip: 'yes' }, extra: 1 },
];

/** For each argument set: the paths of the fields the schema refuses (empty when it accepts them). */
export function probe(): string[][] {
  const schema = argsSchemaOf(TICKET);
  return ARGS.map((args) => (schema.safeParse(args).error?.issues ?? []).map((issue) => issue.path.join('.') || '(root)').sort());
}
