import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { onFirstUse } from '#adapters/aws/on-first-use';
import type { AppDeps } from './deps.ts';
import { governanceRoutes } from './api/governance-routes.ts';
import { inboxRoutes } from './api/inbox-routes.ts';
import { insightsRoutes } from './api/insights-routes.ts';
import { approvalRoutes, type Route } from './api/routes.ts';
import { httpErrors } from './http/errors.ts';
import { identityOf } from './http/identity.ts';
import { mcpRoutes } from './mcp/routes.ts';
import { json } from './http/responses.ts';

/**
 * Routes whose code loads with the first request for one of them rather than at cold start (an
 * `import()` of the module that builds them). Called at most once at a time; a failed load is tried
 * again by the next request.
 */
export type LaterRoutes = () => Promise<Route[]>;

/** Every route the API serves at once, /openapi.json included (it describes these and the later ones). */
export function apiRoutes(deps: AppDeps, extraRoutes: Route[] = [], later?: LaterRoutes): Route[] {
  const routes: Route[] = [...approvalRoutes(deps), ...governanceRoutes(deps), ...inboxRoutes(deps), ...insightsRoutes(deps), ...mcpRoutes(deps), ...extraRoutes];
  routes.push({
    method: 'GET',
    path: '/openapi.json',
    doc: { summary: 'This OpenAPI document', tags: ['meta'] },
    handler: async (event) => {
      identityOf(event);
      // The document is built from every route's zod schemas (zod's JSON Schema output), which only this route needs.
      const { openApiDocument } = await import('./api/openapi.ts');
      return json(200, openApiDocument([...routes, ...(later ? await later() : [])]));
    },
  });
  return routes;
}

type Router = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** What the first router answers for a path it does not serve: the later routes may. */
const NOT_HERE = Symbol('not one of the routes loaded at cold start');

/**
 * Builds the API Lambda handler: one router over every route, one error mapper around it. The
 * routes of `later` load with the first request that none of the others serves; until then a
 * request for an unknown path loads them too, and gets the router's 404 once they are in.
 */
export function createApiHandler(deps: AppDeps, extraRoutes: Route[] = [], later?: LaterRoutes) {
  const shared = later && onFirstUse(later);
  const routes = apiRoutes(deps, extraRoutes, shared);
  const route: Router = shared ? routerWithLaterRoutes(routes, shared) : (httpRouterHandler(routes as never) as unknown as Router);
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpErrors())
    .handler((event, context) => route(event, context));
}

function routerWithLaterRoutes(routes: Route[], later: LaterRoutes): Router {
  const first = httpRouterHandler({ routes: routes as never, notFoundResponse: () => NOT_HERE as never }) as unknown as (...args: Parameters<Router>) => Promise<APIGatewayProxyResult | typeof NOT_HERE>;
  const everyRoute = onFirstUse(async () => httpRouterHandler([...routes, ...(await later())] as never) as unknown as Router);
  return async (event, context) => {
    const answer = await first(event, context);
    return answer === NOT_HERE ? (await everyRoute())(event, context) : answer;
  };
}
