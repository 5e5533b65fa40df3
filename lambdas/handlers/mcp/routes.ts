import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MAX_JSON_BODY_BYTES, type Route } from '../api/routes.ts';
import type { AppDeps } from '../deps.ts';
import { bodyLimit } from '../http/body-limit.ts';
import { identityOf } from '../http/identity.ts';
import { createApprovalsMcpServer } from './approval-tools.ts';

/** Where the MCP endpoint is mounted on the API. */
export const MCP_PATH = '/mcp';

/**
 * The approvals MCP server over streamable HTTP at `/mcp`, stateless: each request gets its own
 * server and transport, answered with JSON (no session, no SSE stream), which is what a Lambda
 * behind API Gateway can serve. The caller is the REST routes' caller: the authorizer's claims on
 * AWS, `x-user` / `x-groups` locally; without one the request is refused with 401 before MCP runs.
 */
export function mcpRoutes(deps: AppDeps): Route[] {
  const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const identity = identityOf(event);
    const server = createApprovalsMcpServer(deps, identity);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    try {
      await server.connect(transport);
      return await toProxyResult(await transport.handleRequest(toWebRequest(event)));
    } finally {
      await server.close();
    }
  };
  return [
    {
      method: 'ANY',
      path: MCP_PATH,
      doc: { summary: 'MCP server (streamable HTTP, stateless, JSON responses): list_pending_approvals, get_approval, decide_approval', tags: ['mcp'] },
      handler: middy<APIGatewayProxyEvent, APIGatewayProxyResult>().use(bodyLimit(MAX_JSON_BODY_BYTES)).handler(handler) as unknown as Route['handler'],
    },
  ];
}

function toWebRequest(event: APIGatewayProxyEvent): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined && name.toLowerCase() !== 'content-length') headers.set(name, value);
  }
  const host = headers.get('host') ?? 'localhost';
  const hasBody = event.body !== null && event.body !== undefined && !['GET', 'HEAD'].includes(event.httpMethod.toUpperCase());
  return new Request(`https://${host}${MCP_PATH}`, {
    method: event.httpMethod,
    headers,
    body: hasBody ? (event.isBase64Encoded ? Buffer.from(event.body!, 'base64') : event.body) : undefined,
  });
}

async function toProxyResult(response: Response): Promise<APIGatewayProxyResult> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { statusCode: response.status, headers, body: await response.text() };
}
