import { JsonSchemaType, JsonSchemaVersion, type JsonSchema } from 'aws-cdk-lib/aws-apigateway';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One line of the route table: every route goes to the same API function, which routes internally. */
export interface ApiRoute {
  readonly method: HttpMethod;
  /** Resource path with `{param}` placeholders, e.g. `/approvals/{id}/respond` (`/` is the root). */
  readonly path: string;
  /**
   * A JSON Schema (draft-04) model API Gateway checks the JSON body against before the function
   * runs; `name` is the model's name (letters and digits).
   * @default - the gateway does not check the body (the handler still parses it with zod)
   */
  readonly body?: { readonly name: string; readonly schema: JsonSchema };
  /**
   * Why this route needs no sign-in (for example, an email link that carries its own signature).
   * Setting it makes the route public; the reason is recorded as the cdk-nag acknowledgement.
   * @default - the route requires a Cognito token
   */
  readonly publicBecause?: string;
}

/** The body of `POST /approvals/{id}/respond`, mirrored by the handler's zod schema. */
export const RESPOND_BODY_SCHEMA: JsonSchema = {
  schema: JsonSchemaVersion.DRAFT4,
  title: 'RespondBody',
  type: JsonSchemaType.OBJECT,
  required: ['decision'],
  additionalProperties: false,
  properties: {
    decision: { type: JsonSchemaType.STRING, enum: ['approve', 'reject'] },
    reason: { type: JsonSchemaType.STRING, maxLength: 2000 },
    editedArgs: { type: JsonSchemaType.OBJECT },
    scope: { type: JsonSchemaType.STRING, enum: ['once', 'execution'] },
  },
};

/** The approvals API. Add a line here (or pass `routes` / call `addRoute`) to expose a new route. */
export const APPROVAL_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/approvals' },
  { method: 'GET', path: '/approvals/{id}' },
  { method: 'POST', path: '/approvals/{id}/respond', body: { name: 'RespondBody', schema: RESPOND_BODY_SCHEMA } },
  { method: 'GET', path: '/approvals/{id}/events' },
  { method: 'GET', path: '/history' },
  { method: 'GET', path: '/audit' },
];

/** Compliance and insight routes the API function also serves (batch decisions, audit checks, stats). */
export const GOVERNANCE_ROUTES: readonly ApiRoute[] = [
  { method: 'POST', path: '/approvals/batch-respond' },
  { method: 'GET', path: '/audit/verify' },
  { method: 'GET', path: '/audit/export' },
  { method: 'GET', path: '/stats' },
];

/**
 * Pages a browser opens without an API token: the dashboard, which signs in through the hosted UI
 * itself, and email decision links, which carry their own signature.
 */
export const CHANNEL_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: '/',
    publicBecause: 'The dashboard page is static HTML and script; it signs the approver in through the Cognito hosted UI and calls the authorized routes with that token.',
  },
  {
    method: 'GET',
    path: '/links/{token}',
    publicBecause: 'Email decision links carry an HMAC signature and a one-time nonce; GET only shows a confirmation page and decides nothing.',
  },
  {
    method: 'POST',
    path: '/links/{token}',
    publicBecause: 'The confirmation form of an email decision link; the signed, single-use token in the path authorizes exactly one decision by the approver it was sent to.',
  },
];

const SEGMENT = /^([A-Za-z0-9._-]+|\{[A-Za-z][A-Za-z0-9_]*\+?\})$/;
const MODEL_NAME = /^[A-Za-z0-9]+$/;

/** `GET /approvals/{id}`: how problems name a route. */
export function routeKey(route: Pick<ApiRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** What is wrong with one route. */
export function routeProblems(route: ApiRoute): string[] {
  const problems: string[] = [];
  const segments = route.path === '/' ? [] : route.path.split('/').slice(1);
  if (!route.path.startsWith('/') || segments.some((segment) => !SEGMENT.test(segment))) {
    problems.push(`route ${routeKey(route)}: path must look like /approvals/{id}/respond`);
  }
  if (route.body && !MODEL_NAME.test(route.body.name)) problems.push(`route ${routeKey(route)}: body name "${route.body.name}" must be letters and digits`);
  if (route.publicBecause !== undefined && route.publicBecause.trim().length < 10) {
    problems.push(`route ${routeKey(route)}: publicBecause must say why the route needs no sign-in`);
  }
  return problems;
}

/** Routes listed more than once. */
export function duplicateRouteProblems(routes: readonly ApiRoute[]): string[] {
  const keys = routes.map(routeKey);
  const duplicates = new Set(keys.filter((key, index) => keys.indexOf(key) !== index));
  return [...duplicates].map((key) => `route ${key} is listed twice`);
}
