import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { HitlError, httpStatusOf, ValidationError } from '#core/errors';
import type { Identity } from '#core/identity';
import { REQUEST_ID_PATTERN } from '#core/request-id';
import { RespondBodySchema } from '#core/respond-input';
import { parseOrThrow } from '#core/validation';
import { approvalNotFound, listReadablePending, readApprovalView } from '#usecases/read-approvals';
import { respond } from '#usecases/respond';
import type { AppDeps } from '../deps.ts';
import { registerRequestApproval } from './request-tool.ts';

/** The decision channel MCP decisions are recorded with (history, audit, statistics). */
export const MCP_DECISION_CHANNEL = 'mcp';

/** What the server says it is to MCP clients. */
export const MCP_SERVER_INFO = { name: 'hitl-approvals', version: '1.0.0' } as const;

const approvalId = z.string().min(1).max(128).describe('The approval request id (from list_pending_approvals)');

const ListInputShape = {
  limit: z.number().int().min(1).max(100).default(20).describe('Page size, 1-100'),
  cursor: z.string().min(1).max(2048).optional().describe('nextCursor of the previous page'),
  workflow: z.string().min(1).max(128).optional().describe('Only requests of this workflow (flow id)'),
  node: z.string().min(1).max(128).optional().describe('Only requests of this node'),
};

const DecideInputShape = { id: approvalId, ...RespondBodySchema.shape };

/**
 * An MCP server for one caller: the approval tools run as `identity`, through the same use cases as
 * the REST routes (the read model decides what is listed and readable, `respond` authorizes, counts
 * quorum votes and applies policies and edit rules). A refusal is a tool error naming the HTTP status
 * the REST route would answer, so a client can tell "not found" from "forbidden".
 */
export function createApprovalsMcpServer(deps: AppDeps, identity: Identity): McpServer {
  const server = new McpServer(MCP_SERVER_INFO, {
    instructions:
      'Human approvals of AI-agent actions: list the pending requests you may read, read one in full, and approve or reject it.' +
      (deps.agentGates ? ' Agents ask a named gate for a decision with request_approval.' : ''),
  });

  server.registerTool(
    'list_pending_approvals',
    {
      title: 'List pending approvals',
      description: 'Pending approval requests you may read, newest first, each with whether you may decide it. Follow nextCursor for more.',
      inputSchema: ListInputShape,
      annotations: { readOnlyHint: true },
    },
    (input) =>
      answer(() => listReadablePending(deps, identity, { limit: input.limit, cursor: input.cursor, workflowId: input.workflow, nodeId: input.node })),
  );

  server.registerTool(
    'get_approval',
    {
      title: 'Get an approval request',
      description: 'One approval request with its full context: conversation, tool, arguments, node, mode, due time, status, and whether you may decide it.',
      inputSchema: { id: approvalId },
      annotations: { readOnlyHint: true },
    },
    (input) => answer(() => readApprovalView(deps, identity, knownShape(input.id))),
  );

  server.registerTool(
    'decide_approval',
    {
      title: 'Approve or reject',
      description:
        'Approve or reject a pending request, with a reason; on approve, editedArgs replace the proposed tool arguments (where the node allows edits). ' +
        'scope "execution" extends the decision to this tool for the rest of the execution.',
      inputSchema: DecideInputShape,
      annotations: { destructiveHint: true, idempotentHint: true },
    },
    (input) =>
      answer(async () => {
        const { id, ...body } = input;
        const decision = parseOrThrow(RespondBodySchema, body, 'arguments');
        return respond(deps, { ...decision, id: knownShape(id), identity, channel: MCP_DECISION_CHANNEL });
      }),
  );

  const agentGates = deps.agentGates;
  if (agentGates) registerRequestApproval(server, { ...deps, agentGates }, identity, answer);
  return server;
}

/** Ids of any other shape are simply not found, as on the REST routes. */
function knownShape(id: string): string {
  if (!REQUEST_ID_PATTERN.test(id)) throw approvalNotFound(id.slice(0, 64));
  return id;
}

/** Runs a tool's use case and turns its answer, or its HitlError, into the tool's result. */
export type ToolAnswer = (run: () => Promise<object>) => Promise<CallToolResult>;

/** The use case's answer as JSON text and structured content; a HitlError as a tool error. */
async function answer(run: () => Promise<object>): Promise<CallToolResult> {
  try {
    const result = { ...(await run()) } as Record<string, unknown>;
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
  } catch (error) {
    if (!(error instanceof HitlError)) throw error;
    const problem = {
      error: {
        code: error.code,
        status: httpStatusOf(error),
        message: error.message,
        ...(error instanceof ValidationError && error.issues.length ? { issues: error.issues } : {}),
      },
    };
    return { isError: true, content: [{ type: 'text', text: JSON.stringify(problem) }], structuredContent: problem };
  }
}
