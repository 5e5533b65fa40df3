import middy, { type MiddlewareObj } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { ForbiddenError, NotFoundError } from '#core/errors';
import { FlowIdSchema, FlowSchema } from '#core/flow';
import {
  assertFlowAdmin,
  DeployFlowBodySchema,
  DeployFlowResultSchema,
  FlowDetailSchema,
  FlowListQuerySchema,
  FlowRevisionSchema,
  FlowSummarySchema,
  SaveFlowQuerySchema,
  SaveFlowResultSchema,
  ValidateFlowResultSchema,
} from '#core/flow-revision';
import { parseOrThrow } from '#core/validation';
import { deployFlowRevision, type DeployFlowDeps } from '#usecases/deploy-flow';
import { describeFlow, listFlowRevisions, listFlows } from '#usecases/list-flows';
import { checkFlowRevision, createFlow, saveFlowRevision } from '#usecases/save-flow';
import { MAX_JSON_BODY_BYTES, page, query, type Route } from '../api/routes.ts';
import { bodyLimit } from '../http/body-limit.ts';
import { identityOf } from '../http/identity.ts';
import { json } from '../http/responses.ts';

type Handler = Route['handler'];

/** What the editor routes need: the flow store, the deployer, the audit log, and who the admins are. */
export type FlowEditorDeps = DeployFlowDeps;

/** The flow id from the path; ids of any other shape are simply not found. */
function flowIdOf(event: APIGatewayProxyEvent): string {
  const id = event.pathParameters?.flowId ?? '';
  if (!FlowIdSchema.safeParse(id).success) throw new NotFoundError(`flow ${id.slice(0, 64)} not found`);
  return id;
}

/** Refuses callers outside the admin groups before anything else runs, body parsing included. */
function adminsOnly(adminGroups: readonly string[]): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: async (request) => {
      assertFlowAdmin(identityOf(request.event), adminGroups);
    },
  };
}

function jsonBody(handler: Handler, admins?: readonly string[]): Handler {
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult>();
  if (admins) chain.use(adminsOnly(admins));
  return chain.use(bodyLimit(MAX_JSON_BODY_BYTES)).use(httpJsonBodyParser()).handler(handler) as unknown as Handler;
}

const FlowEditBodySchema = FlowSchema.describe(
  'The whole flow definition, the same shape as a flow file. `id` may be left out; `revision`, when given, must be the current revision (the one the edit started from), else 409. For a flow that does not exist yet it creates revision 1.',
);

const NewFlowBodySchema = FlowSchema.describe('The whole flow definition, the same shape as a flow file; `id` names the new flow.');

/**
 * The flow editor's API: list flows, read one with its revisions, save a new revision or check one
 * without saving (admins), and deploy a revision (admins; an older one is a rollback).
 */
export function flowEditorRoutes(deps: FlowEditorDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/flows',
      doc: { summary: "Every flow with its current and deployed revision", tags: ['flow editor'], query: FlowListQuerySchema, response: page(FlowSummarySchema) },
      handler: async (event) => {
        identityOf(event);
        return json(200, await listFlows(deps, parseOrThrow(FlowListQuerySchema, query(event), 'query')));
      },
    },
    {
      method: 'GET',
      path: '/flows/{flowId}',
      doc: { summary: 'A flow: its current revision in full and the deployed one', tags: ['flow editor'], response: FlowDetailSchema },
      handler: async (event) => {
        identityOf(event);
        return json(200, await describeFlow(deps, flowIdOf(event)));
      },
    },
    {
      method: 'PUT',
      path: '/flows/{flowId}',
      doc: {
        summary: 'Save a new revision of a flow, or create a flow at revision 1 (admins; deploy it separately). With ?dryRun=true, only check it and show the diff',
        tags: ['flow editor'],
        query: SaveFlowQuerySchema,
        body: FlowEditBodySchema,
        response: z.union([SaveFlowResultSchema, ValidateFlowResultSchema]),
        statuses: { '201': 'Saved as a new revision (with what the servers of its MCP tools list for them)', '409': 'The revision in the body is not the current one: someone saved since' },
        errors: ['Forbidden', 'ConcurrentUpdate', 'ToolServerUnreachable'],
      },
      handler: jsonBody(async (event) => {
        const identity = identityOf(event);
        const flowId = flowIdOf(event);
        const q = parseOrThrow(SaveFlowQuerySchema, query(event), 'query');
        if (q.dryRun) {
          const checked = await checkFlowRevision(deps, { flowId, body: event.body });
          return json(200, { valid: true, revision: checked.flow.revision, diff: checked.diff });
        }
        const saved = await saveFlowRevision(deps, { flowId, body: event.body, identity });
        return json(saved.created ? 201 : 200, { flowId, ...saved }, saved.created ? { location: `/flows/${flowId}/revisions` } : {});
      }, deps.adminGroups),
    },
    {
      method: 'POST',
      path: '/flows',
      doc: {
        summary: 'Create a flow (admins): its revision 1, stored with the revisions (deploy it separately); 409 when the id is taken',
        tags: ['flow editor'],
        body: NewFlowBodySchema,
        response: SaveFlowResultSchema,
        errors: ['ToolServerUnreachable'],
      },
      handler: jsonBody(async (event) => {
        const saved = await createFlow(deps, { body: event.body, identity: identityOf(event) });
        const flowId = saved.revision.flowId;
        return json(201, { flowId, ...saved }, { location: `/flows/${flowId}` });
      }, deps.adminGroups),
    },
    {
      method: 'POST',
      path: '/flows/{flowId}/deploy',
      doc: {
        summary:
          "Deploy a revision (admins): a new state machine version behind the alias; an older revision rolls back. Its MCP tools are read from their servers again: 409 when one changed its schema or is gone, 503 when a server does not answer",
        tags: ['flow editor'],
        body: DeployFlowBodySchema,
        response: DeployFlowResultSchema,
        errors: ['Forbidden', 'ToolSchemaChanged', 'ToolServerUnreachable'],
      },
      handler: jsonBody(async (event) => {
        const identity = identityOf(event);
        const flowId = flowIdOf(event);
        const body = parseOrThrow(DeployFlowBodySchema, event.body, 'body');
        return json(200, await deployFlowRevision(deps, { flowId, revision: body.revisionId, identity }));
      }, deps.adminGroups),
    },
    {
      method: 'GET',
      path: '/flows/{flowId}/revisions',
      doc: {
        summary: "A flow's revisions, newest first: who saved each, when, and what changed (admins)",
        tags: ['flow editor'],
        query: FlowListQuerySchema,
        response: page(FlowRevisionSchema),
        errors: ['Forbidden'],
      },
      handler: async (event) => {
        const identity = identityOf(event);
        // The revision history is the flow editor's (admins'); anyone else reads the current flow only.
        if (!identity.groups.some((group) => deps.adminGroups.includes(group))) {
          throw new ForbiddenError(`only members of ${deps.adminGroups.join(' or ')} may read a flow's revisions`);
        }
        const flowId = flowIdOf(event);
        return json(200, await listFlowRevisions(deps, flowId, parseOrThrow(FlowListQuerySchema, query(event), 'query')));
      },
    },
  ];
}
