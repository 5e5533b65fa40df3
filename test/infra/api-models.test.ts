import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RespondBodySchema } from '#core/respond-input';
import { apiGatewayModelSchema } from '#infra/constructs/api-models';

describe('API Gateway models from zod schemas', () => {
  it('turns the respond body into a closed draft-4 object with its enums, bounds and required fields', () => {
    // Act
    const model = apiGatewayModelSchema(RespondBodySchema, 'RespondBody');

    // Assess
    expect(model).toEqual({
      schema: 'http://json-schema.org/draft-04/schema#',
      title: 'RespondBody',
      type: 'object',
      properties: {
        decision: { type: 'string', enum: ['approve', 'reject'] },
        reason: { type: 'string', minLength: 1, maxLength: 2000 },
        editedArgs: { type: 'object', additionalProperties: {} },
        // The default is the handler's business; the gateway only checks the value when given.
        scope: { type: 'string', enum: ['once', 'execution'] },
      },
      required: ['decision'],
      additionalProperties: false,
    });
  });

  it('rewrites 2020-12 keywords that draft 4 spells differently: const, exclusive bounds, tuples', () => {
    const schema = z.object({
      kind: z.literal('refund'),
      amount: z.number().gt(0).lt(10_000),
      pair: z.tuple([z.string(), z.number()]),
      at: z.iso.datetime(),
      note: z.string().nullable().optional(),
    });

    expect(apiGatewayModelSchema(schema)).toEqual({
      schema: 'http://json-schema.org/draft-04/schema#',
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['refund'] },
        amount: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 10_000, exclusiveMaximum: true },
        pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false, minItems: 2, maxItems: 2 },
        at: { type: 'string', format: 'date-time', pattern: expect.any(String) },
        note: { type: ['string', 'null'] },
      },
      required: ['kind', 'amount', 'pair', 'at'],
    });
  });

  it('refuses a schema it cannot express in draft 4, naming where, instead of checking less than the handler', () => {
    const Node: z.ZodType = z.lazy(() => z.object({ children: z.array(Node) }));

    expect(() => apiGatewayModelSchema(z.object({ tree: Node }))).toThrow(/#\/.*\$ref|#\/\$defs/);
    expect(() => apiGatewayModelSchema(z.record(z.string().regex(/^x-/), z.string()))).toThrow(/#\/propertyNames: API Gateway models/);
  });
});
