import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { AuditQuerySchema, HistoryQuerySchema, ListApprovalsQuerySchema, toSortableTime } from '#core/api-queries';
import { NotFoundError, type ErrorCode } from '#core/errors';
import { REQUEST_ID_PATTERN } from '#core/request-id';
import { RespondBodySchema } from '#core/respond-input';
import { ApprovalSummarySchema } from '#core/approval-summary';
import { ApprovalViewSchema } from '#core/approval-view';
import { AuditEntrySchema } from '#core/audit-entry';
import { assertAuditor } from '#core/read-access';
import { ApprovalRequestSchema, HistoryEventSchema } from '#core/request';
import { parseOrThrow } from '#core/validation';
import { listDecidedSummaries, listReadablePending, readApproval, readApprovalView } from '#usecases/read-approvals';
import { respond } from '#usecases/respond';
import type { AppDeps } from '../deps.ts';
import { bodyLimit } from '../http/body-limit.ts';
import { decisionChannelOf } from '../http/decision-channel.ts';
import { identityOf } from '../http/identity.ts';
import { json } from '../http/responses.ts';

type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** What the OpenAPI document says of a route: built from the same zod schemas the handler parses with. */
export interface RouteDoc {
  readonly summary: string;
  readonly tags?: readonly string[];
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** Body media type when not JSON (forms). */
  readonly bodyType?: string;
  readonly response?: z.ZodType;
  /** Response media type when not JSON (pages, NDJSON). */
  readonly responseType?: string;
  /** No identity needed (pages whose own token or signature authenticates). */
  readonly public?: boolean;
  /** Request headers the route reads, as a zod object (e.g. Idempotency-Key). */
  readonly headers?: z.ZodType;
  /** Statuses besides 200 and the errors, with what each means (a 2xx carries `response`). */
  readonly statuses?: Readonly<Record<string, string>>;
  /** Problem statuses the route answers in a body of its own rather than the ErrorBody (e.g. JSON-RPC errors). */
  readonly problemBodies?: Readonly<Record<string, z.ZodType>>;
  /**
   * Domain errors the route can answer besides those its inputs and identity bring (bad input,
   * unauthenticated, unknown path id, body too large or not JSON); their statuses come from the
   * one error map, so the document says what the handler does.
   */
  readonly errors?: readonly ErrorCode[];
  /** An agent-facing route: IAM-signed (SigV4) machine principals call it on AWS, not Cognito users. */
  readonly agent?: boolean;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'ANY';
  readonly path: string;
  readonly handler: Handler;
  readonly doc?: RouteDoc;
}

export const MAX_JSON_BODY_BYTES = 64 * 1024;

/** The shape of every paginated listing. */
export function page(item: z.ZodType) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}

const RespondResultSchema = z.object({
  approval: ApprovalRequestSchema,
  delivery: z.enum(['delivered', 'pending', 'workflow_gone', 'gave_up', 'awaiting_votes']),
  decidedNow: z.boolean(),
  tally: z.object({ approvals: z.number(), rejections: z.number(), ballots: z.record(z.string(), z.number()).optional() }).optional(),
});

/** The approval id from the path; ids of any other shape are simply not found. */
export function approvalId(event: APIGatewayProxyEvent): string {
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
      doc: {
        summary: 'List the pending approval requests the caller may read, newest first, as summaries (GET /approvals/{id} has the whole request; a page may be short; follow nextCursor)',
        tags: ['approvals'],
        query: ListApprovalsQuerySchema,
        response: page(ApprovalSummarySchema),
      },
      handler: async (event) => {
        const identity = identityOf(event);
        const q = parseOrThrow(ListApprovalsQuerySchema, query(event), 'query');
        return json(200, await listReadablePending(deps, identity, { limit: q.limit, cursor: q.cursor, workflowId: q.workflow, nodeId: q.node }));
      },
    },
    {
      method: 'GET',
      path: '/approvals/{id}',
      doc: { summary: 'Get one approval request with its full context (404 unless the caller may read it)', tags: ['approvals'], response: ApprovalViewSchema },
      handler: async (event) => {
        return json(200, await readApprovalView(deps, identityOf(event), approvalId(event)));
      },
    },
    {
      method: 'GET',
      path: '/approvals/{id}/events',
      doc: { summary: "A request's history events", tags: ['approvals'], response: z.object({ items: z.array(HistoryEventSchema) }) },
      handler: async (event) => {
        return json(200, { items: (await readApproval(deps, identityOf(event), approvalId(event))).events });
      },
    },
    {
      method: 'POST',
      path: '/approvals/{id}/respond',
      doc: {
        summary: 'Approve or reject a pending request (header x-hitl-channel: api or dashboard, recorded as the decision channel)',
        tags: ['approvals'],
        body: RespondBodySchema,
        response: RespondResultSchema,
        statuses: {
          '200': 'Decided, and the workflow has the decision (or the same decision was sent again)',
          '202': 'Recorded; the workflow gets the decision shortly (delivery pending), or the request awaits more votes',
        },
        errors: ['Forbidden', 'PolicyRefused', 'AlreadyDecided', 'IllegalTransition', 'ConcurrentUpdate', 'WorkflowGone', 'AuditAppend'],
      },
      handler: withJsonBody(async (event) => {
        const identity = identityOf(event);
        const id = approvalId(event);
        const body = parseOrThrow(RespondBodySchema, event.body, 'body');
        const result = await respond(deps, { ...body, id, identity, channel: decisionChannelOf(event) });
        return json(result.delivery === 'pending' || result.delivery === 'awaiting_votes' ? 202 : 200, result);
      }),
    },
    {
      method: 'GET',
      path: '/history',
      doc: { summary: 'Decided requests, newest first, as summaries (admins and auditors)', tags: ['history'], query: HistoryQuerySchema, response: page(ApprovalSummarySchema), errors: ['Forbidden'] },
      handler: async (event) => {
        const identity = identityOf(event);
        assertAuditor(identity, deps.access, 'the decision history');
        const q = parseOrThrow(HistoryQuerySchema, query(event), 'query');
        const page = await listDecidedSummaries(deps, identity, {
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
      doc: { summary: 'Audit entries (admins and auditors)', tags: ['audit'], query: AuditQuerySchema, response: page(AuditEntrySchema), errors: ['Forbidden'] },
      handler: async (event) => {
        assertAuditor(identityOf(event), deps.access, 'the audit log');
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
