import type { JsonSchema } from 'aws-cdk-lib/aws-apigateway';
import { BatchRespondBodySchema } from '#core/batch-input';
import { DelegationBodySchema } from '#core/delegation';
import { CancelBodySchema, ExtendBodySchema } from '#core/inbox-input';
import { RespondBodySchema } from '#core/respond-input';
import { StartExecutionBodySchema } from '#handlers/flows/routes';
import { apiGatewayModelSchema } from './api-models.ts';

/** `ANY` is one API Gateway method for every verb; the handler then tells them apart (email links). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';

/**
 * One line of the route table. API Gateway proxies it to the function `functionServing` names for it
 * (the decision function or the API function), which routes internally.
 */
export interface ApiRoute {
  readonly method: HttpMethod;
  /** Resource path with `{param}` placeholders, e.g. `/approvals/{id}/respond` (`/` is the root). */
  readonly path: string;
  /**
   * A JSON Schema (draft-04) model API Gateway checks the JSON body against before the function
   * runs; `name` is the model's name (letters and digits). Build `schema` from the handler's zod
   * schema with `apiGatewayModelSchema`.
   * @default - the gateway does not check the body (the handler still parses it with zod)
   */
  readonly body?: { readonly name: string; readonly schema: JsonSchema };
  /**
   * Why this route needs no sign-in (for example, an email link that carries its own signature).
   * Setting it makes the route public; the reason is recorded as the cdk-nag acknowledgement.
   * @default - the route requires a Cognito token
   */
  readonly publicBecause?: string;
  /**
   * `iam`: callers sign the request with SigV4, and API Gateway lets in only principals whose IAM
   * policy allows `execute-api:Invoke` on the route (machine principals such as agents).
   * @default - the route requires a Cognito token
   */
  readonly authorization?: 'iam';
}

/** The body of `POST /approvals/{id}/respond`: the handler's own zod schema, as an API Gateway model. */
export const RESPOND_BODY_SCHEMA: JsonSchema = apiGatewayModelSchema(RespondBodySchema, 'RespondBody');
/** The body of `POST /approvals/batch-respond`. */
export const BATCH_RESPOND_BODY_SCHEMA: JsonSchema = apiGatewayModelSchema(BatchRespondBodySchema, 'BatchRespondBody');
/** The body of `POST /flows/{flowId}/executions`. */
export const START_EXECUTION_BODY_SCHEMA: JsonSchema = apiGatewayModelSchema(StartExecutionBodySchema, 'StartExecutionBody');

/** The bodies of the inbox actions: cancel, extend, and setting a delegation. */
export const CANCEL_BODY_SCHEMA: JsonSchema = apiGatewayModelSchema(CancelBodySchema, 'CancelBody');
export const EXTEND_BODY_SCHEMA: JsonSchema = apiGatewayModelSchema(ExtendBodySchema, 'ExtendBody');
export const DELEGATION_BODY_SCHEMA: JsonSchema = apiGatewayModelSchema(DelegationBodySchema, 'DelegationBody');

/** The approvals API. Add a line here (or pass `routes` / call `addRoute`) to expose a new route. */
export const APPROVAL_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/approvals' },
  { method: 'GET', path: '/approvals/{id}' },
  { method: 'POST', path: '/approvals/{id}/respond', body: { name: 'RespondBody', schema: RESPOND_BODY_SCHEMA } },
  { method: 'GET', path: '/approvals/{id}/events' },
  { method: 'GET', path: '/history' },
  { method: 'GET', path: '/audit' },
  // The approvals MCP server (streamable HTTP): POST carries JSON-RPC, GET and DELETE get 405 (stateless).
  { method: 'ANY', path: '/mcp' },
];

/** The inbox actions beside approve and reject: cancel, extend, and delegations (out of office). */
export const INBOX_ROUTES: readonly ApiRoute[] = [
  { method: 'POST', path: '/approvals/{id}/cancel', body: { name: 'CancelBody', schema: CANCEL_BODY_SCHEMA } },
  { method: 'POST', path: '/approvals/{id}/extend', body: { name: 'ExtendBody', schema: EXTEND_BODY_SCHEMA } },
  { method: 'GET', path: '/delegations/{userId}' },
  { method: 'PUT', path: '/delegations/{userId}', body: { name: 'DelegationBody', schema: DELEGATION_BODY_SCHEMA } },
  { method: 'DELETE', path: '/delegations/{userId}' },
];

/** Compliance and insight routes the API function also serves (batch decisions, audit checks, stats, its OpenAPI document). */
export const GOVERNANCE_ROUTES: readonly ApiRoute[] = [
  { method: 'POST', path: '/approvals/batch-respond', body: { name: 'BatchRespondBody', schema: BATCH_RESPOND_BODY_SCHEMA } },
  { method: 'GET', path: '/audit/verify' },
  { method: 'GET', path: '/audit/export' },
  { method: 'GET', path: '/stats' },
  { method: 'GET', path: '/openapi.json' },
];

/**
 * Named gates for any agent. Asking a gate and waiting for its decision are the agent-facing routes:
 * machine principals sign them with IAM (SigV4). Reading gates and saving a revision (admins) need a
 * Cognito token like the rest.
 */
export const GATE_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/gates' },
  { method: 'GET', path: '/gates/{gateId}' },
  { method: 'PUT', path: '/gates/{gateId}' },
  { method: 'GET', path: '/gates/{gateId}/revisions' },
  { method: 'POST', path: '/gates/{gateId}/requests', authorization: 'iam' },
  { method: 'GET', path: '/approvals/{id}/decision', authorization: 'iam' },
];

/**
 * Routes open without an API token, each authenticated another way: the dashboard page, which signs
 * in through the hosted UI itself; email decision links, which carry their own signature; and
 * Slack's interactivity endpoint, which Slack signs.
 */
export const CHANNEL_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: '/',
    publicBecause: 'The dashboard page is static HTML and script; it signs the approver in through the Cognito hosted UI and calls the authorized routes with that token.',
  },
  {
    // One method for the page and its form, as the handler serves them: GET (and HEAD) only show a
    // confirmation page, the form's POST decides once; anything else gets 405.
    method: 'ANY',
    path: '/links/{token}',
    publicBecause:
      'Email decision links carry an HMAC-signed, expiring, single-use token that authorizes exactly one decision by the approver it was sent to; GET only shows a confirmation page and decides nothing.',
  },
  {
    method: 'POST',
    path: '/slack/interactions',
    publicBecause:
      "Slack cannot send a Cognito token; it signs every request (HMAC-SHA256 of timestamp and raw body with the app's signing secret), which the handler verifies before parsing and refuses after five minutes.",
  },
];

/**
 * Flows: starting one and following its executions, and the flow editor (list, read and save a
 * flow (with `?dryRun=true` to validate only), deploy a revision, list revisions). Flow routes name their variable
 * `{flowId}` everywhere: API Gateway allows one variable name per level of the path.
 */
export const FLOW_ROUTES: readonly ApiRoute[] = [
  { method: 'POST', path: '/flows/{flowId}/executions', body: { name: 'StartExecutionBody', schema: START_EXECUTION_BODY_SCHEMA } },
  { method: 'GET', path: '/executions/{id}' },
  { method: 'GET', path: '/executions/{id}/graph' },
  { method: 'GET', path: '/flows' },
  { method: 'POST', path: '/flows' },
  { method: 'GET', path: '/flows/{flowId}' },
  { method: 'PUT', path: '/flows/{flowId}' },
  { method: 'POST', path: '/flows/{flowId}/deploy' },
  { method: 'GET', path: '/flows/{flowId}/revisions' },
];

/** The tools flows may call: listing them, and saving one (admins). */
export const TOOL_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/tools' },
  { method: 'PUT', path: '/tools/{name}' },
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
  if (route.publicBecause !== undefined && route.authorization !== undefined) problems.push(`route ${routeKey(route)}: a public route has no authorization`);
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

/**
 * Paths that name the same level's variable differently (`/flows/{id}` next to `/flows/{flowId}/x`):
 * API Gateway refuses a second variable sibling at deploy time, so say it at synth.
 */
export function pathVariableProblems(routes: readonly Pick<ApiRoute, 'path'>[]): string[] {
  const variableAt = new Map<string, string>();
  const problems = new Set<string>();
  for (const { path } of routes) {
    const segments = path === '/' ? [] : path.split('/').slice(1);
    segments.forEach((segment, i) => {
      if (!segment.startsWith('{')) return;
      const parent = `/${segments.slice(0, i).join('/')}`;
      const seen = variableAt.get(parent);
      if (seen === undefined) variableAt.set(parent, segment);
      else if (seen !== segment) problems.add(`paths under ${parent} name their variable both ${seen} and ${segment}; API Gateway allows one name per level`);
    });
  }
  return [...problems];
}
