import * as z from 'zod';
import { HitlModeSchema } from './hitl-config.ts';
import type { Identity } from './identity.ts';
import type { ListedRequest } from './listed-request.ts';
import { needsVotes } from './quorum.ts';
import { mayDecideNow } from './read-access.ts';
import { DeliverySchema, OutcomeSchema, RequestStatusSchema } from './request.ts';

/** How much of a request's arguments a summary shows: a glance, not the data. */
export const PREVIEW_LIMITS = { keys: 4, keyChars: 24, valueChars: 40, textChars: 100, reasonChars: 64, whyChars: 64 } as const;

/**
 * A request as a listing shows it: what is asked, by whom, where it stands and whether the caller may
 * decide it now. Its size is bounded whatever the request holds: the arguments are a preview of a few
 * top-level keys, each value cut short, and the conversation, the checkpoint and the history are left
 * out. `GET /approvals/{id}` has the whole request.
 */
export const ApprovalSummarySchema = z.object({
  id: z.string(),
  executionId: z.string(),
  workflowId: z.string(),
  nodeId: z.string(),
  step: z.string(),
  mode: HitlModeSchema,
  status: RequestStatusSchema,
  level: z.number().int().min(0),
  createdAt: z.string(),
  dueAt: z.string(),
  requestedBy: z.string().optional(),
  createdBy: z.string().optional(),
  gateId: z.string().optional(),
  action: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('tool_call'),
      tool: z.string(),
      argsPreview: z.record(z.string(), z.string()).describe(`up to ${PREVIEW_LIMITS.keys} top-level arguments, strings as they are and other values as JSON, each cut to ${PREVIEW_LIMITS.valueChars} characters`),
      argCount: z.number().int().min(0).describe('how many top-level arguments the call has'),
    }),
    z.object({ kind: z.literal('message'), textPreview: z.string() }),
  ]),
  policy: z.object({ id: z.string(), why: z.string() }).optional(),
  quorum: z
    .object({ approvals: z.number().int(), approvalsNeeded: z.number().int(), rejections: z.number().int(), rejectionsNeeded: z.number().int() })
    .optional()
    .describe('votes so far, on requests that need more than one answer'),
  canDecide: z.boolean().describe('whether the caller may approve or reject it now (pending, an approver of its current level, not its requester, no vote yet)'),
  canCancel: z
    .boolean()
    .optional()
    .describe('on pending listings: whether the caller may cancel it now (its requester or an admin). Whether it may be extended needs its history: GET /approvals/{id} has canExtend'),
  decision: z
    .object({ outcome: OutcomeSchema, approver: z.string(), decidedAt: z.string(), channel: z.string(), reason: z.string().optional().describe(`cut to ${PREVIEW_LIMITS.reasonChars} characters`) })
    .optional(),
  delivery: DeliverySchema.optional(),
});
export type ApprovalSummary = z.infer<typeof ApprovalSummarySchema>;

/** `text` cut to `max` characters, an ellipsis marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A string as it is, anything else as JSON; cut to `max` characters without serialising more than that needs. */
function previewOf(value: unknown, max: number): string {
  if (typeof value === 'string') return truncate(value, max);
  if (value === null || typeof value !== 'object') return truncate(String(JSON.stringify(value)), max);
  // Only a bounded number of entries are serialised, so a huge array or object costs no more than a small one.
  const entries = Array.isArray(value) ? value.slice(0, max) : Object.entries(value).slice(0, max);
  const shown = Array.isArray(value) ? entries : Object.fromEntries(entries as [string, unknown][]);
  const json = JSON.stringify(shown, (_key, inner: unknown) => (typeof inner === 'string' && inner.length > max ? inner.slice(0, max) : inner));
  return truncate(json, max);
}

function actionOf(action: ListedRequest['action']): ApprovalSummary['action'] {
  if (action.kind === 'message') return { kind: 'message', textPreview: truncate(action.text, PREVIEW_LIMITS.textChars) };
  const keys = Object.keys(action.toolCall.args);
  const argsPreview: Record<string, string> = {};
  for (const key of keys.slice(0, PREVIEW_LIMITS.keys)) {
    argsPreview[truncate(key, PREVIEW_LIMITS.keyChars)] = previewOf(action.toolCall.args[key], PREVIEW_LIMITS.valueChars);
  }
  return { kind: 'tool_call', tool: action.toolCall.name, argsPreview, argCount: keys.length };
}

function quorumOf(request: ListedRequest): ApprovalSummary['quorum'] {
  if (!needsVotes(request.hitl)) return undefined;
  const { approvals, rejections } = request.hitl.quorum;
  const votes = request.votes ?? [];
  const approved = votes.filter((vote) => vote.vote === 'approve').length;
  return { approvals: approved, approvalsNeeded: approvals, rejections: votes.length - approved, rejectionsNeeded: rejections };
}

function decisionOf(decision: NonNullable<ListedRequest['decision']>): NonNullable<ApprovalSummary['decision']> {
  const { outcome, approver, decidedAt, channel, reason } = decision;
  return { outcome, approver, decidedAt, channel, ...(reason !== undefined ? { reason: truncate(reason, PREVIEW_LIMITS.reasonChars) } : {}) };
}

/** The summary of `request` as `identity` sees it in a listing. */
export function summarize(identity: Identity, request: ListedRequest): ApprovalSummary {
  const quorum = quorumOf(request);
  const { decision } = request;
  return {
    id: request.id,
    executionId: request.executionId,
    workflowId: request.workflowId,
    nodeId: request.nodeId,
    step: request.step,
    mode: request.mode,
    status: request.status,
    level: request.level,
    createdAt: request.createdAt,
    dueAt: request.dueAt,
    ...(request.requestedBy !== undefined ? { requestedBy: request.requestedBy } : {}),
    ...(request.createdBy !== undefined ? { createdBy: request.createdBy } : {}),
    ...(request.gateId !== undefined ? { gateId: request.gateId } : {}),
    action: actionOf(request.action),
    ...(request.policy ? { policy: { id: request.policy.id, why: truncate(request.policy.why, PREVIEW_LIMITS.whyChars) } } : {}),
    ...(quorum ? { quorum } : {}),
    canDecide: mayDecideNow(identity, request),
    ...(decision ? { decision: decisionOf(decision) } : {}),
    ...(request.delivery !== undefined ? { delivery: request.delivery } : {}),
  };
}
