import type { ApprovalRequest } from './request.ts';

/**
 * The attributes of a request that a listing reads from the store: enough to decide who may read it
 * and whether the caller may decide it, and to summarise it. Never the conversation, the checkpoint or
 * the history events, which can weigh hundreds of kilobytes each; those are read one request at a time.
 */
export const LISTED_FIELDS = [
  'id', 'executionId', 'workflowId', 'nodeId', 'step', 'mode', 'action', 'hitl', 'policy', 'requestedBy', 'createdBy', 'gateId',
  'status', 'level', 'createdAt', 'dueAt', 'votes', 'decision', 'delivery',
] as const;

/** A request as a listing reads it (`LISTED_FIELDS`); a whole request is one too. */
export type ListedRequest = Pick<ApprovalRequest, (typeof LISTED_FIELDS)[number]>;
