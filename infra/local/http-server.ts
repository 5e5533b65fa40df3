import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: object) => Promise<APIGatewayProxyResult>;

/** API Gateway refuses payloads above 10 MB; the local server does the same before any handler runs. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/i;

function claimsFromHeaders(headers: IncomingMessage['headers']): Record<string, string> | undefined {
  const user = headers['x-user'];
  if (typeof user !== 'string' || user.trim() === '') return undefined;
  const groups = typeof headers['x-groups'] === 'string' ? headers['x-groups'] : '';
  return { sub: user.trim(), 'cognito:username': user.trim(), 'cognito:groups': groups };
}

/** Turns a Node request into the REST API (v1) Lambda proxy event API Gateway would send. */
export function toProxyEvent(req: IncomingMessage, body: Buffer, pathOverride?: string): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name.toLowerCase()] = value;
  // A Map, then own properties: a parameter named `__proto__`, `valueOf` or `constructor` is just a
  // parameter (on a plain object, `multi[name] ??= []` found Object.prototype's and crashed).
  const values = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) values.set(name, [...(values.get(name) ?? []), value]);
  const query: Record<string, string> = Object.fromEntries([...values].map(([name, list]) => [name, list[list.length - 1]]));
  const multi: Record<string, string[]> = Object.fromEntries(values);
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const claims = claimsFromHeaders(req.headers);
  return {
    httpMethod: (req.method ?? 'GET').toUpperCase(),
    path: pathOverride ?? decodeURIComponent(url.pathname),
    resource: url.pathname,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: Object.keys(multi).length ? multi : null,
    pathParameters: null,
    stageVariables: null,
    body: body.length === 0 ? null : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !isText,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      httpMethod: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      protocol: 'HTTP/1.1',
      requestId: crypto.randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: url.pathname,
      stage: 'local',
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? null } as never,
      authorizer: claims ? { claims } : null,
    },
  } as APIGatewayProxyEvent;
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
  res.writeHead(result.statusCode, headers as Record<string, string>);
  res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

/**
 * An HTTP server that behaves like API Gateway in front of a proxy-integrated Lambda: the caller's
 * identity comes from the x-user / x-groups headers (standing in for the Cognito authorizer).
 */
export function startHttpServer(handler: ProxyHandler, options: { port: number; host?: string }): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (body === 'too_large') {
        send(res, { statusCode: 413, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'PayloadTooLarge', message: 'request body above 10 MB' } }) });
        req.destroy();
        return;
      }
      let path: string | undefined;
      try {
        path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      } catch {
        send(res, { statusCode: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'BadRequest', message: 'malformed URL' } }) });
        return;
      }
      send(res, await handler(toProxyEvent(req, body, path), {}));
    } catch (error) {
      send(res, { statusCode: 502, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'BadGateway', message: 'handler failed' } }) });
      console.error('local API handler failed', error);
    }
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://${options.host ?? '127.0.0.1'}:${port}` });
    });
  });
}
