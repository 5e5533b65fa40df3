import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '#handlers/api';
import type { Route } from '#handlers/api/routes';
import type { AppDeps } from '#handlers/deps';

/** Building routes reads no dependency; serving the ones below needs none. */
const deps = {} as AppDeps;
const context = {} as Context;

function request(method: string, path: string): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    resource: path,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { authorizer: { claims: { 'cognito:username': 'ada', 'cognito:groups': 'admins' } } },
  } as unknown as APIGatewayProxyEvent;
}

const hello = (path: string, doc = 'Says hello'): Route => ({
  method: 'GET',
  path,
  doc: { summary: doc },
  handler: async (event) => ({ statusCode: 200, body: JSON.stringify({ served: event.path, pathParameters: event.pathParameters }) }),
});

/** A `later` that counts its loads, failing the first `failures` of them. */
function countedLater(routes: Route[], failures = 0) {
  const loads = { count: 0 };
  const later = async () => {
    loads.count += 1;
    if (loads.count <= failures) throw new Error('chunk not readable');
    return routes;
  };
  return { loads, later };
}

async function call(handler: ReturnType<typeof createApiHandler>, method: string, path: string): Promise<APIGatewayProxyResult> {
  return (await handler(request(method, path), context)) as APIGatewayProxyResult;
}

describe('routes loaded with their first request', () => {
  it('serves the routes loaded at cold start without loading the later ones', async () => {
    // Prepare
    const { loads, later } = countedLater([hello('/flows')]);
    const handler = createApiHandler(deps, [hello('/ping')], later);

    // Act
    const answer = await call(handler, 'GET', '/ping');

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ served: '/ping' });
    expect(loads.count).toBe(0);
  });

  it('loads the later routes once, with the first request for one of them, path parameters included', async () => {
    // Prepare
    const { loads, later } = countedLater([hello('/flows'), hello('/flows/{flowId}')]);
    const handler = createApiHandler(deps, [], later);

    // Act
    const first = await call(handler, 'GET', '/flows/refund');
    const second = await call(handler, 'GET', '/flows');

    // Assess
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ served: '/flows/refund', pathParameters: { flowId: 'refund' } });
    expect(second.statusCode).toBe(200);
    expect(loads.count).toBe(1);
  });

  it('answers 404 for a path no route serves, once the later routes are in', async () => {
    // Prepare
    const { loads, later } = countedLater([hello('/flows')]);
    const handler = createApiHandler(deps, [], later);

    // Act
    const answer = await call(handler, 'GET', '/nowhere');

    // Assess
    expect(answer.statusCode).toBe(404);
    expect(loads.count).toBe(1);
  });

  it('tries a failed load again with the next request', async () => {
    // Prepare
    const { loads, later } = countedLater([hello('/flows')], 1);
    const handler = createApiHandler(deps, [], later);

    // Act
    const failed = await call(handler, 'GET', '/flows');
    const retried = await call(handler, 'GET', '/flows');

    // Assess
    expect(failed.statusCode).toBe(500);
    expect(retried.statusCode).toBe(200);
    expect(loads.count).toBe(2);
  });

  it('documents the later routes in /openapi.json', async () => {
    // Prepare
    const { later } = countedLater([hello('/flows', 'Lists the flows')]);
    const handler = createApiHandler(deps, [], later);

    // Act
    const answer = await call(handler, 'GET', '/openapi.json');

    // Assess
    expect(answer.statusCode).toBe(200);
    const document = JSON.parse(answer.body) as { paths: Record<string, { get?: { summary?: string } }> };
    expect(document.paths['/flows']?.get?.summary).toBe('Lists the flows');
    expect(document.paths['/approvals']).toBeDefined();
  });
});
