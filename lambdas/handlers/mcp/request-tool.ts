import { randomUUID } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { AgentActionSchema } from '#core/action';
import { IdempotencyKeySchema } from '#core/agent-request';
import { NotFoundError } from '#core/errors';
import { GATE_ID_PATTERN } from '#core/gate';
import type { Identity } from '#core/identity';
import { RequestContextSchema } from '#core/request';
import { requestAtGate } from '#usecases/request-at-gate';
import { MAX_WAIT_SECONDS, waitForDecision } from '#usecases/wait-for-decision';
import type { AgentGates, AppDeps } from '../deps.ts';
import { assertAgent } from '../http/agent-identity.ts';
import type { ToolAnswer } from './approval-tools.ts';

const RequestInputShape = {
  gateId: z.string().min(1).max(64).describe('The named gate to ask (GET /gates lists them)'),
  action: AgentActionSchema.describe('What you want to do: {"kind":"message","text":...} or {"kind":"tool_call","toolCall":{"id","name","args"}}'),
  context: RequestContextSchema.optional().describe('The conversation so far and facts for the approver'),
  requestedBy: z.string().min(1).max(128).optional().describe('On whose behalf you ask (an end user); you when left out'),
  idempotencyKey: IdempotencyKeySchema.optional().describe(
    'Repeat a call with the same key (and the same request) to get the same approval request back instead of a second one',
  ),
  waitSeconds: z.number().int().min(0).max(MAX_WAIT_SECONDS).default(0).describe(`Hold the call up to this many seconds (0-${MAX_WAIT_SECONDS}) for the decision`),
};

/**
 * `request_approval`: an agent in any MCP host asks a named gate for a person's decision, through the
 * same use case as `POST /gates/{gateId}/requests` (the gate's settings apply, only agents may ask,
 * idempotent on the caller, gate and key). It answers the decision, or `pending` with the request
 * id, which `get_approval` then reads.
 */
export function registerRequestApproval(server: McpServer, deps: AppDeps & { readonly agentGates: AgentGates }, identity: Identity, answer: ToolAnswer): void {
  server.registerTool(
    'request_approval',
    {
      title: 'Ask a person for approval',
      description:
        'Ask a named gate for a decision on an action you want to take (a message or a tool call with its arguments), with context for the approver. ' +
        'Answers the decision, or status "pending" with the requestId: poll get_approval with it, or call again with the same idempotencyKey and waitSeconds. ' +
        'Only agents may ask.',
      inputSchema: RequestInputShape,
      annotations: { destructiveHint: false, idempotentHint: true },
    },
    (input) =>
      answer(async () => {
        const { gates, agentGroups, webhookRule } = deps.agentGates;
        assertAgent(identity, agentGroups);
        if (!GATE_ID_PATTERN.test(input.gateId)) throw new NotFoundError(`gate ${input.gateId.slice(0, 64)} not found`);
        const body = {
          action: input.action,
          context: input.context ?? { conversation: [], facts: {} },
          ...(input.requestedBy !== undefined ? { requestedBy: input.requestedBy } : {}),
        };
        // Without a key every call is a new request, as a REST call with a fresh Idempotency-Key.
        const idempotencyKey = input.idempotencyKey ?? randomUUID();
        const outcome = await requestAtGate({ ...deps, gates }, { gateId: input.gateId, caller: identity, idempotencyKey, body, webhookRule });
        if (!('request' in outcome)) return { status: outcome.kind, reason: outcome.reason, policyId: outcome.policyId };
        const requestId = outcome.request.id;
        const view = await waitForDecision({ store: deps.store, adminGroups: deps.access.adminGroups }, { id: requestId, identity, waitSeconds: input.waitSeconds });
        return { requestId, gateId: input.gateId, idempotencyKey, repeated: outcome.kind === 'repeated', ...view };
      }),
  );
}
