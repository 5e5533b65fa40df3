import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AppDeps } from './deps.ts';
import { governanceRoutes } from './api/governance-routes.ts';
import { approvalRoutes, type Route } from './api/routes.ts';
import { httpErrors } from './http/errors.ts';

/** Builds the API Lambda handler: one router over every route, one error mapper around it. */
export function createApiHandler(deps: AppDeps, extraRoutes: Route[] = []) {
  const routes = [...approvalRoutes(deps), ...governanceRoutes(deps), ...extraRoutes];
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpErrors())
    .handler(httpRouterHandler(routes as never) as never);
}
