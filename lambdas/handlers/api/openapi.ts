import * as z from 'zod';
import { AgentRequestBodySchema } from '#core/agent-request';
import { ApprovalSummarySchema } from '#core/approval-summary';
import { ApprovalViewSchema } from '#core/approval-view';
import { AuditEntrySchema } from '#core/audit-entry';
import { DecisionViewSchema } from '#core/decision-view';
import { STATUS_BY_CODE, type ErrorCode } from '#core/errors';
import { GateSchema } from '#core/gate';
import { ApprovalRequestSchema, HistoryEventSchema } from '#core/request';
import { RespondBodySchema } from '#core/respond-input';
import type { Route, RouteDoc } from './routes.ts';

/** Every problem the API answers has this shape (handlers/http/errors.ts writes it). */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** PolicyRefused: the policy that refused edited arguments, and the approvers it wants. */
    policyId: z.string().optional(),
    approvers: z.object({ users: z.array(z.string()), groups: z.array(z.string()) }).optional(),
  }),
});

/**
 * Schemas shared between operations, published once under `components.schemas` and referenced
 * wherever a route uses them (in the direction they are registered for: what callers send, or what
 * they get back).
 */
const SHARED = {
  input: [
    [AgentRequestBodySchema, 'AgentRequestBody'],
    [RespondBodySchema, 'RespondBody'],
  ],
  output: [
    [ErrorBodySchema, 'ErrorBody'],
    [ApprovalRequestSchema, 'ApprovalRequest'],
    [ApprovalViewSchema, 'ApprovalView'],
    [ApprovalSummarySchema, 'ApprovalSummary'],
    [DecisionViewSchema, 'DecisionView'],
    [HistoryEventSchema, 'HistoryEvent'],
    [AuditEntrySchema, 'AuditEntry'],
    [GateSchema, 'Gate'],
  ],
} as const satisfies Record<'input' | 'output', readonly (readonly [z.ZodType, string])[]>;

type Io = 'input' | 'output';
type JsonSchema = Record<string, unknown>;

const registries: Record<Io, z.core.$ZodRegistry<{ id: string }>> = { input: z.registry(), output: z.registry() };
for (const io of ['input', 'output'] as const) for (const [schema, id] of SHARED[io]) registries[io].add(schema, { id });

/** The problems a route can answer without naming them: from what it reads and whether it needs an identity. */
const GENERIC_PROBLEMS = {
  input: ['ValidationError'],
  body: ['PayloadTooLarge', 'UnsupportedMediaType'],
  identity: ['Unauthenticated'],
  path: ['NotFound'],
} as const satisfies Record<string, readonly ErrorCode[]>;

/** Collects the shared schemas a document refers to. */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  /** The JSON Schema of `schema`, with every shared schema inside it replaced by a reference. */
  schema(schema: z.ZodType, io: Io): JsonSchema {
    const { $schema: _ignored, $defs, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', metadata: registries[io] }) as JsonSchema;
    for (const [id, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) this.add(id, relink(definition) as JsonSchema);
    return relink(rest) as JsonSchema;
  }

  private add(id: string, definition: JsonSchema): void {
    const known = this.schemas[id];
    if (known && JSON.stringify(known) !== JSON.stringify(definition)) throw new Error(`two different schemas are published as ${id}`);
    this.schemas[id] = definition;
  }
}

/** zod writes references to `#/$defs/<id>`; in an OpenAPI document they live under components. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, key === '$ref' && typeof inner === 'string' ? inner.replace('#/$defs/', '#/components/schemas/') : relink(inner)]),
  );
}

/** Query or header parameters from a zod object schema (possibly wrapped in refinements). */
function parametersOf(components: Components, schema: z.ZodType, where: 'query' | 'header') {
  const described = components.schema(schema, 'input');
  const properties = (described.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((described.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({ name, in: where, required: required.has(name), schema: property }));
}

function pathParameters(path: string) {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));
}

/**
 * Every error code a route can answer: the generic ones its inputs and identity bring, and the
 * domain errors its doc names. Statuses come from the one error map (`STATUS_BY_CODE`).
 */
export function errorCodesOf(route: Pick<Route, 'path' | 'doc'>): ErrorCode[] {
  const doc = route.doc ?? { summary: '' };
  const hasPath = pathParameters(route.path).length > 0;
  const codes = new Set<ErrorCode>([
    ...(doc.public ? [] : GENERIC_PROBLEMS.identity),
    ...(hasPath ? GENERIC_PROBLEMS.path : []),
    ...(doc.body || doc.query || doc.headers || hasPath ? GENERIC_PROBLEMS.input : []),
    ...(doc.body ? GENERIC_PROBLEMS.body : []),
    ...(doc.errors ?? []),
  ]);
  return [...codes];
}

/** The statuses a route documents, success and problem alike. */
export function documentedStatuses(route: Pick<Route, 'path' | 'doc'>): number[] {
  const statuses = new Set<number>([200, 500, ...errorCodesOf(route).map((code) => STATUS_BY_CODE[code]), ...Object.keys(route.doc?.statuses ?? {}).map(Number)]);
  return [...statuses].sort((a, b) => a - b);
}

const PROBLEM_CONTENT = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } };

function responsesOf(components: Components, route: Route) {
  const doc = route.doc!;
  const success = (description: string) => ({
    description,
    content: { [doc.responseType ?? 'application/json']: { schema: doc.response ? components.schema(doc.response, 'output') : {} } },
  });
  const codesByStatus = new Map<number, string[]>();
  for (const code of errorCodesOf(route)) codesByStatus.set(STATUS_BY_CODE[code], [...(codesByStatus.get(STATUS_BY_CODE[code]) ?? []), code]);
  const responses: Record<string, unknown> = { '200': success('OK') };
  for (const status of documentedStatuses(route)) {
    const said = doc.statuses?.[String(status)];
    if (status < 300) {
      if (said) responses[String(status)] = success(said);
      continue;
    }
    const codes = codesByStatus.get(status) ?? (status === 500 ? ['InternalError'] : []);
    const description = [said, codes.length ? `error.code: ${codes.join(', ')}` : undefined].filter(Boolean).join('. ');
    const ownBody = doc.problemBodies?.[String(status)];
    const content = ownBody ? { 'application/json': { schema: components.schema(ownBody, 'output') } } : PROBLEM_CONTENT;
    responses[String(status)] = { description: description || 'Problem', content };
  }
  return responses;
}

function securityOf(doc: RouteDoc) {
  if (doc.public) return [];
  return doc.agent ? [{ sigv4: [] }, { localIdentity: [], localGroups: [] }] : [{ cognito: [] }, { localIdentity: [], localGroups: [] }];
}

function operation(components: Components, route: Route) {
  const doc = route.doc!;
  return {
    summary: doc.summary,
    ...(doc.tags ? { tags: [...doc.tags] } : {}),
    security: securityOf(doc),
    parameters: [
      ...pathParameters(route.path),
      ...(doc.query ? parametersOf(components, doc.query, 'query') : []),
      ...(doc.headers ? parametersOf(components, doc.headers, 'header') : []),
    ],
    ...(doc.body
      ? { requestBody: { required: true, content: { [doc.bodyType ?? 'application/json']: { schema: components.schema(doc.body, 'input') } } } }
      : {}),
    responses: responsesOf(components, route),
  };
}

/** Where the API runs: the local stack (`npm start`), and an API Gateway stage. */
const SERVERS = [
  { url: 'http://127.0.0.1:3000', description: 'Local mode (npm start; PORT changes the port)' },
  {
    url: 'https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}',
    description: 'A deployed stack: the ApiUrl output of the CDK stack',
    variables: {
      restApiId: { default: 'abcdef1234', description: 'The REST API id' },
      region: { default: 'us-east-1' },
      stage: { default: 'v1', description: 'The stage name (ApprovalsApi stageName)' },
    },
  },
];

const SECURITY_SCHEMES = {
  cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito ID token of the stack user pool' },
  sigv4: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'AWS Signature Version 4 (service execute-api): agent routes let in IAM principals allowed execute-api:Invoke on them',
    'x-amazon-apigateway-authtype': 'awsSigv4',
  },
  localIdentity: { type: 'apiKey', in: 'header', name: 'x-user', description: 'Local mode only: the user name of the caller' },
  localGroups: { type: 'apiKey', in: 'header', name: 'x-groups', description: 'Local mode only: the groups of the caller, comma-separated (agents, approvers, admins, auditors, ...)' },
};

/**
 * The OpenAPI 3.1 document of the API, generated from the routes the handler serves and the zod
 * schemas they parse with, so the contract cannot drift from the code.
 */
export function openApiDocument(routes: readonly Route[]) {
  const components = new Components();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (!route.doc) continue;
    const methods = route.method === 'ANY' ? ['get', 'post'] : [route.method.toLowerCase()];
    for (const method of methods) (paths[route.path] ??= {})[method] = operation(components, route);
  }
  // The shared schemas are published even when no route of this stack uses them (clients name them).
  for (const io of ['input', 'output'] as const) for (const [schema] of SHARED[io]) components.schema(schema, io);
  return {
    openapi: '3.1.0',
    info: {
      title: 'hitl-approvals',
      version: '0.1.0',
      description:
        'Human-in-the-loop approval gates for AI-agent workflows. Every route except the public pages needs an identity: a Cognito ID token, or for the agent routes an IAM (SigV4) signature; locally the x-user / x-groups headers.',
    },
    servers: SERVERS,
    security: [{ cognito: [] }, { localIdentity: [], localGroups: [] }],
    paths,
    components: { schemas: sortedByKey(components.schemas), securitySchemes: SECURITY_SCHEMES },
  };
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
