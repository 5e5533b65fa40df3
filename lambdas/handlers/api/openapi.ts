import * as z from 'zod';
import type { Route } from './routes.ts';

const ErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** PolicyRefused: the policy that refused edited arguments, and the approvers it wants. */
    policyId: z.string().optional(),
    approvers: z.object({ users: z.array(z.string()), groups: z.array(z.string()) }).optional(),
  }),
});

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Query parameters from a zod object schema (possibly wrapped in refinements). */
function queryParameters(schema: z.ZodType, where: 'query' | 'header' = 'query') {
  const described = jsonSchema(schema, 'input');
  const properties = (described.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((described.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({ name, in: where, required: required.has(name), schema: property }));
}

function pathParameters(path: string) {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));
}

function operation(route: Route) {
  const doc = route.doc!;
  const errors = { description: 'Problem, naming the field or reason', content: { 'application/json': { schema: jsonSchema(ErrorSchema, 'output') } } };
  return {
    summary: doc.summary,
    ...(doc.tags ? { tags: [...doc.tags] } : {}),
    ...(doc.public ? { security: [] } : {}),
    parameters: [...pathParameters(route.path), ...(doc.query ? queryParameters(doc.query) : []), ...(doc.headers ? queryParameters(doc.headers, 'header') : [])],
    ...(doc.body
      ? { requestBody: { required: true, content: { [doc.bodyType ?? 'application/json']: { schema: jsonSchema(doc.body, 'input') } } } }
      : {}),
    responses: {
      '200': {
        description: 'OK',
        content: { [doc.responseType ?? 'application/json']: { schema: doc.response ? jsonSchema(doc.response, 'output') : {} } },
      },
      '400': errors,
      ...(doc.public ? {} : { '401': errors, '403': errors }),
      '404': errors,
      ...Object.fromEntries(
        Object.entries(doc.statuses ?? {}).map(([status, description]) => [
          status,
          status.startsWith('2')
            ? { description, content: { 'application/json': { schema: doc.response ? jsonSchema(doc.response, 'output') : {} } } }
            : { ...errors, description },
        ]),
      ),
    },
  };
}

/**
 * The OpenAPI 3.1 document of the API, generated from the routes the handler serves and the zod
 * schemas they parse with, so the contract cannot drift from the code.
 */
export function openApiDocument(routes: readonly Route[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (!route.doc) continue;
    const methods = route.method === 'ANY' ? ['get', 'post'] : [route.method.toLowerCase()];
    for (const method of methods) (paths[route.path] ??= {})[method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'hitl-approvals',
      version: '0.1.0',
      description: 'Human-in-the-loop approval gates for AI-agent workflows. Every route except the public pages needs an identity (a Cognito ID token; locally the x-user / x-groups headers).',
    },
    components: {
      securitySchemes: {
        cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        localIdentity: { type: 'apiKey', in: 'header', name: 'x-user', description: 'Local mode only, with x-groups' },
      },
    },
    security: [{ cognito: [] }, { localIdentity: [] }],
    paths,
  };
}
