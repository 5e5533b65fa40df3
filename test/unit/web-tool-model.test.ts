import { describe, expect, it } from 'vitest';
import { ToolBodySchema } from '../../lambdas/tools/tool-spec.ts';
import { bodyOf, draftOf, headerRow, parseSchema, toolFieldPaths } from '../../web/views/tools/tool-model.ts';

const SCHEMA = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] };

describe('the tool editor\'s draft', () => {
  it('sends an HTTP tool\'s headers by secret name, leaves out rows without a name, and passes the API\'s body schema', () => {
    // Prepare
    const draft = draftOf();
    draft.description = 'Opens a ticket';
    draft.http.url = ' https://tickets.example.com/{id} ';
    draft.http.headers.push(headerRow('X-Api-Key', true, 'tickets/api-key'), headerRow('Accept', false, 'application/json'), headerRow('', true, 'ignored'));
    // Act
    const body = bodyOf(draft, SCHEMA);
    // Assess
    expect(body).toEqual({
      delivery: 'at_most_once',
      readOnly: false,
      description: 'Opens a ticket',
      argsSchema: SCHEMA,
      http: { method: 'POST', url: 'https://tickets.example.com/{id}', headers: { 'X-Api-Key': { secretRef: 'tickets/api-key' }, Accept: 'application/json' } },
    });
    expect(ToolBodySchema.safeParse(body).success).toBe(true);
  });

  it('sends no schema for an MCP tool, since the server lists it, and keeps an edited tool\'s limits', () => {
    // Prepare
    const draft = draftOf({ name: 'post_status', description: 'Posts', argsSchema: SCHEMA, delivery: 'idempotent', readOnly: false, mcp: { url: 'http://127.0.0.1:4102/mcp', tool: 'post_status', timeoutMs: 5000 } });
    // Act
    const body = bodyOf(draft, SCHEMA);
    // Assess
    expect(body).toEqual({ delivery: 'idempotent', readOnly: false, description: 'Posts', mcp: { url: 'http://127.0.0.1:4102/mcp', tool: 'post_status', timeoutMs: 5000 } });
    expect(toolFieldPaths(draft)).toEqual(expect.arrayContaining(['mcp.url', 'mcp.tool', 'argsSchema']));
  });

  it('keeps a saved Lambda tool\'s registered handler when no function ARN is given', () => {
    const draft = draftOf({ name: 'credit', description: 'Credits', argsSchema: SCHEMA, delivery: 'idempotent', readOnly: false, lambda: { handler: 'refund' } });
    expect(bodyOf(draft, SCHEMA)).toMatchObject({ lambda: { handler: 'refund' } });
    draft.lambda.functionArn = 'arn:aws:lambda:eu-west-1:123456789012:function:credit';
    expect(bodyOf(draft, SCHEMA)).toMatchObject({ lambda: { functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:credit' } });
  });

  it('tells JSON that does not parse, and JSON that is no object, from a schema it can send', () => {
    expect(parseSchema('{"type": "object",')).toEqual({ error: expect.stringContaining('is not valid JSON') });
    expect(parseSchema('[1]')).toEqual({ error: expect.stringContaining('must be a JSON object') });
    expect(parseSchema(JSON.stringify(SCHEMA))).toEqual({ value: SCHEMA });
  });
});
