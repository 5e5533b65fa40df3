import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { MAX_JSON_BODY_BYTES, type Route } from '../api/routes.ts';
import type { AppDeps } from '../deps.ts';
import { bodyLimit } from '../http/body-limit.ts';
import { identityOf } from '../http/identity.ts';

/** Where the MCP endpoint is mounted on the API. */
export const MCP_PATH = '/mcp';

/**
 * The approvals MCP server over streamable HTTP at `/mcp`, stateless: each request gets its own
 * server and transport, answered with JSON (no session, no SSE stream), which is what a Lambda
 * behind API Gateway can serve. The caller is the REST routes' caller: the authorizer's claims on
 * AWS, `x-user` / `x-groups` locally; without one the request is refused with 401 before MCP runs.
 */
/** What the transport (and the 405 below) answer a message it cannot take: a JSON-RPC error, not the API's ErrorBody. */
const JsonRpcErrorSchema = z.object({
  jsonrpc: z.literal('2.0'),
  error: z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }),
  id: z.null(),
});

/** The statuses MCP itself answers, before any tool runs; each with a JSON-RPC error body. */
const TRANSPORT_STATUSES = {
  '400': 'Not JSON, not a JSON-RPC message, or a batch too long',
  '405': 'Any method but POST: the server is stateless, so there is no stream to open or session to end',
  '406': 'Accept does not list both application/json and text/event-stream',
  '415': 'Content-Type is not application/json',
} as const;

/**
 * The MCP SDK (with ajv and zod's JSON Schema code) is most of the API bundle; it loads with the
 * first MCP request instead of at every cold start.
 */
async function mcpServerModules() {
  const [transport, tools] = await Promise.all([import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'), import('./approval-tools.ts')]);
  return { WebStandardStreamableHTTPServerTransport: transport.WebStandardStreamableHTTPServerTransport, createApprovalsMcpServer: tools.createApprovalsMcpServer };
}

export function mcpRoutes(deps: AppDeps): Route[] {
  const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const identity = identityOf(event);
    // Stateless: there is no session to open a stream on (GET) or to end (DELETE), and a Lambda
    // answers once; the transport would hold a GET open as an event stream until the timeout.
    if (event.httpMethod.toUpperCase() !== 'POST') {
      return {
        statusCode: 405,
        headers: { 'content-type': 'application/json', allow: 'POST' },
        body: JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this MCP server is stateless; send JSON-RPC messages with POST' }, id: null }),
      };
    }
    const { WebStandardStreamableHTTPServerTransport, createApprovalsMcpServer } = await mcpServerModules();
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
      doc: {
        summary: 'MCP server (streamable HTTP, stateless, JSON responses; POST only, other methods 405): list_pending_approvals, get_approval, decide_approval, and request_approval for agents',
        tags: ['mcp'],
        // The body limit refuses a larger message before MCP reads it, with the API's ErrorBody.
        errors: ['PayloadTooLarge'],
        statuses: TRANSPORT_STATUSES,
        problemBodies: Object.fromEntries(Object.keys(TRANSPORT_STATUSES).map((status) => [status, JsonRpcErrorSchema])),
      },
      handler: middy<APIGatewayProxyEvent, APIGatewayProxyResult>().use(bodyLimit(MAX_JSON_BODY_BYTES)).handler(handler) as unknown as Route['handler'],
    },
  ];
}

/** The request headers streamable HTTP reads; the caller's identity came from the authorizer already. */
const MCP_HEADERS = ['accept', 'content-type', 'mcp-protocol-version', 'mcp-session-id', 'last-event-id'] as const;

/** Header values a Fetch `Headers` accepts (bytes, no line breaks); anything else is left out, as unreadable. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function toWebRequest(event: APIGatewayProxyEvent): Request {
  const headers = new Headers();
  const received = new Map(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  for (const name of MCP_HEADERS) {
    const value = received.get(name);
    if (typeof value === 'string' && HEADER_VALUE.test(value)) headers.set(name, value);
  }
  const hasBody = typeof event.body === 'string';
  // The URL is the transport's business only (no DNS-rebinding check here: API Gateway fronts it).
  return new Request(`https://mcp.invalid${MCP_PATH}`, {
    method: 'POST',
    headers,
    body: hasBody ? (event.isBase64Encoded ? Buffer.from(event.body!, 'base64') : event.body) : undefined,
  });
}

async function toProxyResult(response: Response): Promise<APIGatewayProxyResult> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { statusCode: response.status, headers, body: await response.text() };
}
