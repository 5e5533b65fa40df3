import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod';
import { AgentRequestBodySchema, IdempotencyKeySchema } from '#core/agent-request';
import { DecisionViewSchema } from '#core/decision-view';
import { NotFoundError } from '#core/errors';
import { GATE_ID_PATTERN, GateRevisionSchema, GateSchema } from '#core/gate';
import { ApprovalRequestSchema } from '#core/request';
import { REQUEST_ID_PATTERN } from '#core/request-id';
import { parseOrThrow } from '#core/validation';
import type { GateCatalog } from '#ports';
import { saveGate, type GateRevisionDeps } from '#usecases/gate-revisions';
import { requestAtGate } from '#usecases/request-at-gate';
import { MAX_WAIT_SECONDS, waitForDecision } from '#usecases/wait-for-decision';
import type { AppDeps } from '../deps.ts';
import { assertAgent, callerIdentityOf } from '../http/agent-identity.ts';
import { identityOf } from '../http/identity.ts';
import { json } from '../http/responses.ts';
import { query, withJsonBody, type Route } from './routes.ts';

export interface GateRouteDeps extends AppDeps {
  readonly gates: GateCatalog;
  /** Groups whose members may ask gates (locally `agents`). */
  readonly agentGroups: readonly string[];
  /** Groups that may read every request's decision. */
  readonly adminGroups: readonly string[];
  /** Where webhooks may point: `https` on AWS, `loopback` locally. */
  readonly webhookRule: 'https' | 'loopback';
  /** Where gate revisions are stored; without it the gates are the files and cannot be edited. */
  readonly gateStore?: GateRevisionDeps['gateStore'];
}

export const WaitQuerySchema = z.object({ waitSeconds: z.coerce.number().int().min(0).max(MAX_WAIT_SECONDS).default(0) }).strict();

const GateAnswerSchema = z.union([
  ApprovalRequestSchema,
  z.object({ status: z.enum(['allowed', 'denied']), reason: z.string(), policyId: z.string() }),
]);

function gateIdOf(event: APIGatewayProxyEvent): string {
  const id = event.pathParameters?.gateId ?? '';
  if (!GATE_ID_PATTERN.test(id)) throw new NotFoundError(`gate ${id.slice(0, 64)} not found`);
  return id;
}

/** Header names are case-insensitive; API Gateway passes them as the client wrote them. */
function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted && value !== undefined) return value;
  return undefined;
}

/** Named gates for any agent: ask one for a decision, and wait for the decision. */
export function gateRoutes(deps: GateRouteDeps): Route[] {
  const gateStore = deps.gateStore;
  const revisionRoutes: Route[] = gateStore
    ? [
        {
          method: 'PUT',
          path: '/gates/{gateId}',
          doc: { summary: "Save a gate's settings as its next revision (admins); the next request at the gate applies them", tags: ['gates'], body: GateSchema, response: GateRevisionSchema, errors: ['Forbidden', 'ConcurrentUpdate'] },
          handler: withJsonBody(async (event) => {
            const identity = identityOf(event);
            const gateId = gateIdOf(event);
            const saved = await saveGate({ ...deps, gateStore }, { gateId, body: event.body, identity, adminGroups: deps.adminGroups });
            return json(200, saved);
          }),
        },
        {
          method: 'GET',
          path: '/gates/{gateId}/revisions',
          doc: { summary: "A gate's revisions, newest first", tags: ['gates'], response: z.object({ items: z.array(GateRevisionSchema) }) },
          handler: async (event) => {
            identityOf(event);
            const gateId = gateIdOf(event);
            const items = await gateStore.listRevisions(gateId);
            if (items.length === 0) throw new NotFoundError(`gate ${gateId} not found`);
            return json(200, { items });
          },
        },
      ]
    : [];
  return [
    ...revisionRoutes,
    {
      method: 'GET',
      path: '/gates/{gateId}',
      doc: { summary: 'One gate as it applies now, with its revision', tags: ['gates'], response: z.object({ gate: GateSchema, revision: z.number().optional() }) },
      handler: async (event) => {
        identityOf(event);
        const gateId = gateIdOf(event);
        const found = await deps.gates.get(gateId);
        if (!found) throw new NotFoundError(`gate ${gateId} not found`);
        return json(200, found);
      },
    },
    {
      method: 'GET',
      path: '/gates',
      doc: { summary: 'The named gates agents may ask', tags: ['gates'], response: z.object({ items: z.array(GateSchema) }) },
      handler: async (event) => {
        identityOf(event);
        return json(200, { items: await deps.gates.list() });
      },
    },
    {
      method: 'POST',
      path: '/gates/{gateId}/requests',
      doc: {
        summary:
          'An agent asks a named gate for a decision. The same Idempotency-Key and body return the same request (201 first, then 200); 200 {status: allowed|denied} when the gate policy answers at once.',
        tags: ['gates'],
        headers: z.object({ 'Idempotency-Key': IdempotencyKeySchema }),
        body: AgentRequestBodySchema,
        response: GateAnswerSchema,
        agent: true,
        statuses: {
          '201': 'The request was created and waits for a person',
          '409': 'The Idempotency-Key was used before with a different body',
        },
        errors: ['Forbidden', 'IdempotencyConflict', 'AuditAppend'],
      },
      handler: withJsonBody(async (event) => {
        const caller = callerIdentityOf(event);
        assertAgent(caller, deps.agentGroups);
        const gateId = gateIdOf(event);
        const idempotencyKey = parseOrThrow(IdempotencyKeySchema, header(event, 'idempotency-key'), 'Idempotency-Key');
        const body = parseOrThrow(AgentRequestBodySchema, event.body, 'body');
        const outcome = await requestAtGate(deps, { gateId, caller, idempotencyKey, body, webhookRule: deps.webhookRule });
        if (!('request' in outcome)) return json(200, { status: outcome.kind, reason: outcome.reason, policyId: outcome.policyId });
        return json(outcome.kind === 'created' ? 201 : 200, outcome.request, outcome.kind === 'repeated' ? { 'idempotent-replayed': 'true' } : {});
      }),
    },
    {
      method: 'GET',
      path: '/approvals/{id}/decision',
      doc: {
        summary: `The decision on a request, or {status: "pending"}; waitSeconds (0-${MAX_WAIT_SECONDS}) holds the call until it is decided (long poll). 404 for anyone who may not read the request.`,
        tags: ['gates'],
        agent: true,
        query: WaitQuerySchema,
        response: DecisionViewSchema,
      },
      handler: async (event) => {
        const identity = callerIdentityOf(event);
        const id = event.pathParameters?.id ?? '';
        if (!REQUEST_ID_PATTERN.test(id)) throw new NotFoundError(`approval ${id.slice(0, 64)} not found`);
        const q = parseOrThrow(WaitQuerySchema, query(event), 'query');
        return json(200, await waitForDecision(deps, { id, identity, waitSeconds: q.waitSeconds }));
      },
    },
  ];
}
