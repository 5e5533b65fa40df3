import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AppDeps } from './deps.ts';
import { governanceRoutes } from './api/governance-routes.ts';
import { functionServing } from './api/route-functions.ts';
import { approvalRoutes, type Route } from './api/routes.ts';
import { httpErrors } from './http/errors.ts';

/** The routes the decision function serves: those the route table gives it, and no other. */
export function decisionRoutes(deps: AppDeps): Route[] {
  return [...approvalRoutes(deps), ...governanceRoutes(deps)].filter((route) => functionServing(route) === 'decisions');
}

/** Builds the decision function's handler: one router over the decision routes, one error mapper around it. */
export function createDecisionHandler(deps: AppDeps) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpErrors())
    .handler(httpRouterHandler(decisionRoutes(deps) as never) as never);
}
