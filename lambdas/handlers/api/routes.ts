import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { AuditQuerySchema, HistoryQuerySchema, ListApprovalsQuerySchema, toSortableTime } from '#core/api-queries';
import { NotFoundError } from '#core/errors';
import { REQUEST_ID_PATTERN } from '#core/request-id';
import { RespondBodySchema } from '#core/respond-input';
import { parseOrThrow } from '#core/validation';
import { respond } from '#usecases/respond';
import type { AppDeps } from '../deps.ts';
import { bodyLimit } from '../http/body-limit.ts';
import { identityOf } from '../http/identity.ts';
import { json } from '../http/responses.ts';

type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly handler: Handler;
}

export const MAX_JSON_BODY_BYTES = 64 * 1024;

/** The approval id from the path; ids of any other shape are simply not found. */
function approvalId(event: APIGatewayProxyEvent): string {
  const id = event.pathParameters?.id ?? '';
  if (!REQUEST_ID_PATTERN.test(id)) throw new NotFoundError(`approval ${id.slice(0, 64)} not found`);
  return id;
}

export function query(event: APIGatewayProxyEvent): Record<string, string> {
  return (event.queryStringParameters ?? {}) as Record<string, string>;
}

/** Wraps a JSON-body route: size limit first, then middy's JSON parser. */
export function withJsonBody(handler: Handler): Handler {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(bodyLimit(MAX_JSON_BODY_BYTES))
    .use(httpJsonBodyParser())
    .handler(handler) as unknown as Handler;
}

/** The approval routes: each parses its input, calls one use case and shapes the answer. */
export function approvalRoutes(deps: AppDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/approvals',
      handler: async (event) => {
        identityOf(event);
        const q = parseOrThrow(ListApprovalsQuerySchema, query(event), 'query');
        const page = await deps.store.listPending({ limit: q.limit, cursor: q.cursor, workflowId: q.workflow, nodeId: q.node });
        return json(200, page);
      },
    },
    {
      method: 'GET',
      path: '/approvals/{id}',
      handler: async (event) => {
        identityOf(event);
        const id = approvalId(event);
        const approval = await deps.store.get(id);
        if (!approval) throw new NotFoundError(`approval ${id} not found`);
        return json(200, approval);
      },
    },
    {
      method: 'GET',
      path: '/approvals/{id}/events',
      handler: async (event) => {
        identityOf(event);
        const id = approvalId(event);
        const approval = await deps.store.get(id);
        if (!approval) throw new NotFoundError(`approval ${id} not found`);
        return json(200, { items: approval.events });
      },
    },
    {
      method: 'POST',
      path: '/approvals/{id}/respond',
      handler: withJsonBody(async (event) => {
        const identity = identityOf(event);
        const id = approvalId(event);
        const body = parseOrThrow(RespondBodySchema, event.body, 'body');
        const result = await respond(deps, { ...body, id, identity, channel: 'api' });
        return json(result.delivery === 'pending' || result.delivery === 'awaiting_votes' ? 202 : 200, result);
      }),
    },
    {
      method: 'GET',
      path: '/history',
      handler: async (event) => {
        identityOf(event);
        const q = parseOrThrow(HistoryQuerySchema, query(event), 'query');
        const page = await deps.store.listDecided({
          limit: q.limit,
          cursor: q.cursor,
          from: toSortableTime(q.from),
          to: toSortableTime(q.to),
          workflowId: q.workflow,
          approver: q.approver,
        });
        return json(200, page);
      },
    },
    {
      method: 'GET',
      path: '/audit',
      handler: async (event) => {
        identityOf(event);
        const q = parseOrThrow(AuditQuerySchema, query(event), 'query');
        const page = await deps.audit.list({
          limit: q.limit,
          cursor: q.cursor,
          executionId: q.execution,
          workflowId: q.workflow,
          from: toSortableTime(q.from),
          to: toSortableTime(q.to),
        });
        return json(200, page);
      },
    },
  ];
}
