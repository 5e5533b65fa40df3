import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AppDeps } from './deps.ts';
import { governanceRoutes } from './api/governance-routes.ts';
import { inboxRoutes } from './api/inbox-routes.ts';
import { insightsRoutes } from './api/insights-routes.ts';
import { approvalRoutes, type Route } from './api/routes.ts';
import { openApiDocument } from './api/openapi.ts';
import { httpErrors } from './http/errors.ts';
import { identityOf } from './http/identity.ts';
import { mcpRoutes } from './mcp/routes.ts';
import { json } from './http/responses.ts';

/** Every route the API serves, /openapi.json included (it describes all of them). */
export function apiRoutes(deps: AppDeps, extraRoutes: Route[] = []): Route[] {
  const routes: Route[] = [...approvalRoutes(deps), ...governanceRoutes(deps), ...inboxRoutes(deps), ...insightsRoutes(deps), ...mcpRoutes(deps), ...extraRoutes];
  routes.push({
    method: 'GET',
    path: '/openapi.json',
    doc: { summary: 'This OpenAPI document', tags: ['meta'] },
    handler: async (event) => {
      identityOf(event);
      return json(200, openApiDocument(routes));
    },
  });
  return routes;
}

/** Builds the API Lambda handler: one router over every route, one error mapper around it. */
export function createApiHandler(deps: AppDeps, extraRoutes: Route[] = []) {
  const routes = apiRoutes(deps, extraRoutes);
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpErrors())
    .handler(httpRouterHandler(routes as never) as never);
}
