import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod';
import { DelegationBodySchema, DelegationSchema, DelegatorIdSchema } from '#core/delegation';
import { NotFoundError } from '#core/errors';
import { CancelBodySchema, ExtendBodySchema } from '#core/inbox-input';
import { ApprovalRequestSchema } from '#core/request';
import { parseOrThrow } from '#core/validation';
import { cancelRequest } from '#usecases/cancel-request';
import { endDelegation, getDelegation, setDelegation } from '#usecases/delegations';
import { extendRequest } from '#usecases/extend-request';
import type { AppDeps } from '../deps.ts';
import { decisionChannelOf } from '../http/decision-channel.ts';
import { identityOf } from '../http/identity.ts';
import { json } from '../http/responses.ts';
import { approvalId, withJsonBody, type Route } from './routes.ts';

const CancelResultSchema = z.object({ approval: ApprovalRequestSchema, delivery: z.enum(['delivered', 'pending', 'workflow_gone']) });
const ExtendResultSchema = z.object({
  id: z.string(),
  dueAt: z.string(),
  previousDueAt: z.string(),
  level: z.number(),
  extendedSeconds: z.number(),
  maxExtensionSeconds: z.number(),
});

function delegatorId(event: APIGatewayProxyEvent): string {
  const parsed = DelegatorIdSchema.safeParse(event.pathParameters?.userId ?? '');
  if (!parsed.success) throw new NotFoundError('no such user');
  return parsed.data;
}

/**
 * The inbox actions beside approve and reject: cancel (the requester or an admin withdraws a request),
 * extend (an approver moves its deadline, within the node's maximum), and delegation (an approver
 * names a stand-in for a time window). Delegation routes need the user directory.
 */
export function inboxRoutes(deps: AppDeps): Route[] {
  const routes: Route[] = [
    {
      method: 'POST',
      path: '/approvals/{id}/cancel',
      doc: {
        summary: 'Cancel a pending request (its requester or an admin); the workflow receives a cancelled decision with the reason. 409 once decided',
        tags: ['approvals'],
        body: CancelBodySchema,
        response: CancelResultSchema,
      },
      handler: withJsonBody(async (event) => {
        const identity = identityOf(event);
        const id = approvalId(event);
        const body = parseOrThrow(CancelBodySchema, event.body, 'body');
        const result = await cancelRequest(deps, { id, identity, reason: body.reason, channel: decisionChannelOf(event) });
        return json(result.delivery === 'pending' ? 202 : 200, result);
      }),
    },
    {
      method: 'POST',
      path: '/approvals/{id}/extend',
      doc: {
        summary: "Move a pending request's deadline later (an approver at its level), within the node's maxExtensionSeconds per level (400 beyond it)",
        tags: ['approvals'],
        body: ExtendBodySchema,
        response: ExtendResultSchema,
      },
      handler: withJsonBody(async (event) => {
        const identity = identityOf(event);
        const id = approvalId(event);
        const body = parseOrThrow(ExtendBodySchema, event.body, 'body');
        return json(200, await extendRequest(deps, { id, identity, bySeconds: body.bySeconds }));
      }),
    },
  ];
  const { delegations, directory } = deps;
  if (!delegations || !directory) return routes;
  const admin = { ...deps, delegations, directory };
  routes.push(
    {
      method: 'GET',
      path: '/delegations/{userId}',
      doc: { summary: "A user's delegation (that user or an admin); 404 when none", tags: ['delegations'], response: DelegationSchema },
      handler: async (event) => json(200, await getDelegation(admin, identityOf(event), delegatorId(event))),
    },
    {
      method: 'PUT',
      path: '/delegations/{userId}',
      doc: {
        summary: "Name a user's delegate for a time window (that user or an admin); the delegate must be a known user. During the window the delegate may decide what the user may, recorded as onBehalfOf",
        tags: ['delegations'],
        body: DelegationBodySchema,
        response: DelegationSchema,
      },
      handler: withJsonBody(async (event) => {
        const identity = identityOf(event);
        const userId = delegatorId(event);
        const body = parseOrThrow(DelegationBodySchema, event.body, 'body');
        return json(200, await setDelegation(admin, identity, userId, body));
      }),
    },
    {
      method: 'DELETE',
      path: '/delegations/{userId}',
      doc: { summary: "End a user's delegation now (that user or an admin); 404 when none", tags: ['delegations'], response: DelegationSchema },
      handler: async (event) => json(200, await endDelegation(admin, identityOf(event), delegatorId(event))),
    },
  );
  return routes;
}
