import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import fc from 'fast-check';
import type { Route } from '../../lambdas/handlers/api/routes.ts';
import { httpErrors } from '../../lambdas/handlers/http/errors.ts';

/** The API Lambda's composition (createApiHandler) over a given route list: the local app's, modules included. */
export function apiHandlerOver(routes: Route[]) {
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpErrors())
    .handler(httpRouterHandler(routes as never) as never);
  return (event: APIGatewayProxyEvent) => handler(event, {} as never) as Promise<APIGatewayProxyResult>;
}

export interface EventSpec {
  method: string;
  path: string;
  query?: Record<string, string> | null;
  headers?: Record<string, string>;
  body?: string | null;
  isBase64Encoded?: boolean;
  /** Claims the authorizer would vouch for; null for an anonymous caller. */
  identity?: { user: string; groups: string } | null;
}

/** A REST (v1) proxy event shaped like the one API Gateway, and the local HTTP server, send. */
export function proxyEvent(spec: EventSpec): APIGatewayProxyEvent {
  const headers = Object.fromEntries(Object.entries(spec.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const query = spec.query && Object.keys(spec.query).length ? spec.query : null;
  const claims = spec.identity ? { sub: spec.identity.user, 'cognito:username': spec.identity.user, 'cognito:groups': spec.identity.groups } : null;
  return {
    httpMethod: spec.method,
    path: spec.path,
    resource: spec.path,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: null,
    stageVariables: null,
    body: spec.body ?? null,
    isBase64Encoded: spec.isBase64Encoded ?? false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      httpMethod: spec.method,
      path: spec.path,
      protocol: 'HTTP/1.1',
      requestId: 'fuzz',
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: spec.path,
      stage: 'local',
      identity: { sourceIp: '127.0.0.1', userAgent: 'fuzz' } as never,
      authorizer: claims ? { claims } : null,
    },
  } as APIGatewayProxyEvent;
}

/** Any UTF-16 code unit, lone surrogates and NUL included. */
export const anyChar = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
export const nastyString = fc.oneof(
  fc.string({ unit: anyChar, maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '\udfff\ud800', '🙂'.repeat(50), 'ǅ̸̢͓̳̈́', '\u202e\u2066', '<script>alert(1)</script>', "' OR 1=1 --", '${jndi:ldap://x}', '%00', '%zz', '../../etc/passwd', '__proto__', 'constructor', 'valueOf', 'toString', 'hasOwnProperty'),
);

/** Numbers JSON can carry that DynamoDB and the SDK cannot all store. */
export const hostileNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, 1e126, 1e200, 1e-131, 5e-324, -5e-324, 2 ** 53 + 2, -(2 ** 53) - 2, 1.7976931348623157e308, 123456789012345678901234567890),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => Math.abs(x) > Number.MAX_SAFE_INTEGER || (x !== 0 && Math.abs(x) < 1e-130)),
);

/** JSON nested `depth` levels deep, alternating arrays and objects. */
export function deepJson(depth: number): string {
  let text = '1';
  for (let i = 0; i < depth; i++) text = i % 2 ? `[${text}]` : `{"a":${text}}`;
  return text;
}

export const identities = {
  approver: { user: 'bob', groups: 'approvers' },
  requester: { user: 'alice', groups: 'users' },
  outsider: { user: 'eve', groups: 'users' },
  admin: { user: 'root', groups: 'admins' },
  auditor: { user: 'irene', groups: 'auditors' },
} as const;

/** Any caller: none, the usual people, or claims of odd shapes. */
export const anyIdentity = fc.oneof(
  fc.constant(null),
  fc.constantFrom(...Object.values(identities)),
  fc.record({ user: nastyString, groups: fc.oneof(nastyString, fc.constantFrom('approvers,approvers', '[approvers users]', ',,,', 'approvers '.repeat(200))) }),
);

/** Path segments an id route must refuse: traversal, encodings, near-misses of real ids, odd unicode. */
export const badIdSegment = fc.oneof(
  fc.constantFrom('..', '../..', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '.%00.', 'apr_', 'APR_aaaaaaaaaaaaaaaaaaaaaaaaaa', 'apr_aaaaaaaaaaaaaaaaaaaaaaaaa', 'apr_aaaaaaaaaaaaaaaaaaaaaaaaaaa', 'apr_aaaaaaaaaaaaaaaaaaaaaaaaa-', 'apr_ăaaaaaaaaaaaaaaaaaaaaaaaa', 'a'.repeat(5000), ' ', '*', 'null', 'undefined', '{id}'),
  nastyString.filter((s) => !s.includes('/')),
  fc.stringMatching(/^apr_[A-Za-z0-9]{26}$/),
);
