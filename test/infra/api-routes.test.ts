import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logicalIdOf, routesOf, synthStack, type Resources } from './fixtures.ts';
import { environmentOf } from './template-values.ts';

/**
 * The handler's side of the contract: the routes lambdas/entrypoints/api.ts hands the router,
 * captured where it builds the handler (`createApiHandler` → `apiRoutes`, and the routes it loads
 * later), so whatever the entry point wires (channels, executions, the flow editor) is what gets compared.
 */
type ServedRoute = { method: string; path: string; doc?: { public?: boolean } };
const served = vi.hoisted(() => ({ routes: undefined as ServedRoute[] | undefined, later: undefined as (() => Promise<ServedRoute[]>) | undefined }));
vi.mock('#handlers/api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('#handlers/api')>();
  return {
    ...actual,
    createApiHandler: (...args: Parameters<typeof actual.createApiHandler>) => {
      served.routes = actual.apiRoutes(...args);
      served.later = args[2];
      return actual.createApiHandler(...args);
    },
  };
});

/** `POST /flows/{flowId}/executions` → `POST /flows/{}/executions`: API Gateway and the router may name variables differently. */
const shape = (key: string) => key.replace(/\{[^}]+\}/g, '{}');

describe('the API route table and the API handler', () => {
  let cdkRoutes: Map<string, { public: boolean }>;
  let handlerRoutes: Map<string, { public: boolean }>;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    // Prepare: the stack's route table, and the API entry point loaded with the environment that
    // stack gives the API function (so a channel CDK forgets to configure loses its routes here too).
    const { stack, template } = synthStack();
    cdkRoutes = new Map([...routesOf(template)].map(([key, method]) => [shape(key), { public: method.AuthorizationType === 'NONE' }]));
    const resources = template.toJSON().Resources as Resources;
    Object.assign(process.env, environmentOf(resources, logicalIdOf(stack, stack.approvals.apiFunction)), { AWS_REGION: 'eu-west-1' });

    // Act
    await import('../../lambdas/entrypoints/api.ts');

    const later = served.later ? await served.later() : [];
    handlerRoutes = new Map([...(served.routes ?? []), ...later].map((route) => [shape(`${route.method} ${route.path}`), { public: route.doc?.public === true }]));
  });

  afterAll(() => {
    process.env = savedEnv;
  });

  it('captures the routes the entry point serves', () => {
    expect(handlerRoutes.size).toBeGreaterThan(10);
    expect(handlerRoutes.has('GET /openapi.json')).toBe(true);
  });

  it('gives every route the handler serves an API Gateway method', () => {
    expect([...handlerRoutes.keys()].filter((key) => !cdkRoutes.has(key))).toEqual([]);
  });

  it('has no API Gateway method the handler does not serve (the flow editor routes may come first)', () => {
    expect([...cdkRoutes.keys()].filter((key) => !handlerRoutes.has(key))).toEqual([]);
  });

  it('opens exactly the routes the handler documents as public, and no other', () => {
    const publicIn = (routes: Map<string, { public: boolean }>) => [...routes].filter(([, route]) => route.public).map(([key]) => key).sort();
    expect(publicIn(cdkRoutes)).toEqual(publicIn(handlerRoutes));
    expect(publicIn(cdkRoutes)).toEqual(['ANY /links/{}', 'GET /', 'POST /slack/interactions']);
  });
});
