/**
 * Which Lambda function serves each API route, as data both sides read: API Gateway sends a route
 * to the function named here (infra/constructs/api-routes.ts), and the decision function serves
 * exactly these routes (lambdas/entrypoints/decisions.ts).
 *
 * The decision function holds what an approver's click and the inbox wait on: listing pending
 * requests, reading one, and deciding (one or a batch). Everything else (admin, audit, editors,
 * gates, channels, MCP) is served by the API function, whose larger bundle no decision pays for.
 */
export type ApiFunctionName = 'decisions' | 'api';

/** `METHOD /path` of the routes the decision function serves. */
export const DECISION_ROUTE_KEYS: readonly string[] = [
  'GET /approvals',
  'GET /approvals/{id}',
  'GET /approvals/{id}/events',
  'POST /approvals/{id}/respond',
  'POST /approvals/batch-respond',
];

/** The function that serves `METHOD /path`. */
export function functionServing(route: { readonly method: string; readonly path: string }): ApiFunctionName {
  return DECISION_ROUTE_KEYS.includes(`${route.method} ${route.path}`) ? 'decisions' : 'api';
}

const DECISION_PATTERNS = DECISION_ROUTE_KEYS.map((key) => {
  const [method, path] = key.split(' ') as [string, string];
  return { method, path: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`) };
});

/**
 * The function a request reaches, as API Gateway picks it: the local server sends the same requests
 * to the same handlers. A path with a static segment beats a `{variable}` in API Gateway; the
 * decision routes have no such pair (`/approvals/batch-respond` is POST, `/approvals/{id}` GET).
 */
export function functionForRequest(method: string, path: string): ApiFunctionName {
  return DECISION_PATTERNS.some((route) => route.method === method && route.path.test(path)) ? 'decisions' : 'api';
}
