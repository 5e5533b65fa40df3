import * as z from 'zod';
import { storable } from './storable.ts';
import { AgentActionSchema, ConversationTurnSchema } from './action.ts';
import { FlowChannelSchema, HitlConfigSchema, HitlModeSchema } from './hitl-config.ts';

export const RequestStatusSchema = z.enum(['pending', 'approved', 'rejected', 'timed_out', 'cancelled']);
export type RequestStatus = z.infer<typeof RequestStatusSchema>;

/** `cancelled`: the requester or an admin withdrew the request; the workflow reads it like a rejection. */
export const OutcomeSchema = z.enum(['approved', 'rejected', 'timed_out', 'cancelled']);
export type Outcome = z.infer<typeof OutcomeSchema>;

/** How far an approver's answer reaches: this call only, or the same tool for the rest of the execution. */
export const DecisionScopeSchema = z.enum(['once', 'execution']);
export type DecisionScope = z.infer<typeof DecisionScopeSchema>;

export const DecisionSchema = z.object({
  outcome: OutcomeSchema,
  approver: z.string(),
  reason: z.string().optional(),
  editedArgs: z.record(z.string(), z.unknown()).optional(),
  scope: DecisionScopeSchema.default('once'),
  channel: z.string().default('api'),
  decidedAt: z.string(),
  /** The approver whose right a delegate used (see delegation.ts); `approver` is the delegate. */
  onBehalfOf: z.string().optional(),
});
export type Decision = z.infer<typeof DecisionSchema>;

/**
 * One approver's vote on a request that needs several (k-of-n quorum). An approval approves exactly
 * one set of arguments: the proposed ones, or its own `editedArgs`; `scope` is how far it reaches.
 */
export const VoteSchema = z.object({
  approver: z.string(),
  vote: z.enum(['approve', 'reject']),
  level: z.number().int().min(0),
  at: z.string(),
  channel: z.string(),
  reason: z.string().optional(),
  editedArgs: z.record(z.string(), z.unknown()).optional(),
  scope: DecisionScopeSchema.default('once'),
  /** The approver whose vote a delegate cast; it counts as theirs (one vote per person's right). */
  onBehalfOf: z.string().optional(),
});
export type Vote = z.infer<typeof VoteSchema>;

/** Whether the decision has reached the waiting workflow. */
export const DeliverySchema = z.enum(['pending', 'delivered', 'workflow_gone', 'gave_up']);
export type Delivery = z.infer<typeof DeliverySchema>;

export const HistoryEventTypeSchema = z.enum([
  'created',
  'gate_retried',
  'notified',
  'notify_failed',
  'escalated',
  'voted',
  'decided',
  'delivered',
  'delivery_failed',
  'workflow_gone',
  /** A webhook delivery failed on every attempt for more than 24 hours; nobody retries it any more. */
  'delivery_gave_up',
  /** The approved tool call ran; `detail.args` are the arguments it ran with. */
  'executed',
  /** The requester or an admin withdrew the request (`detail.reason`). */
  'cancelled',
  /** An approver moved the deadline back (`detail.bySeconds`, `detail.dueAt`, `detail.level`). */
  'extended',
]);
export type HistoryEventType = z.infer<typeof HistoryEventTypeSchema>;

export const HistoryEventSchema = z.object({
  at: z.string(),
  type: HistoryEventTypeSchema,
  actor: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type HistoryEvent = z.infer<typeof HistoryEventSchema>;

/** What the agent had said and was about to do when the gate paused it. */
export const RequestContextSchema = z.object({
  conversation: z.array(ConversationTurnSchema).max(500).default([]),
  /** Free-form facts the flow adds for the approver (customer tier, amount, ...). */
  facts: z.record(z.string(), z.unknown()).superRefine(storable()).default({}),
});
export type RequestContext = z.infer<typeof RequestContextSchema>;

/**
 * The workflow state a gate paused with, so a wait of hours loses nothing and a restarted engine can
 * resume. `schemaVersion` lets a later release read a state an earlier one saved.
 */
export const CheckpointSchema = z.object({
  schemaVersion: z.number().int().min(1),
  /** The state machine state to resume at. */
  stateName: z.string().min(1).max(80),
  state: z.unknown().superRefine(storable(28)),
});
export type Checkpoint = z.infer<typeof CheckpointSchema>;

/** What decided that a request was needed: a policy rule's id (or a built-in rule's) and why it applied. */
export const PolicyRefSchema = z.object({ id: z.string().min(1).max(64), why: z.string().max(2000) });
export type PolicyRef = z.infer<typeof PolicyRefSchema>;

/**
 * A Lambda durable function's `callbackId` (from `ctx.waitForCallback`), as a caller names it; it is
 * completed with SendDurableExecutionCallbackSuccess or Failure. The pattern and length are Lambda's.
 * Like a task token it is stored apart from the request and never leaves the server: the stored
 * callback says only `durable`.
 */
export const DurableCallbackSchema = z
  .object({
    type: z.literal('durable'),
    callbackId: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'a callback id from waitForCallback (base64)'),
  })
  .strict();
export type DurableCallback = z.infer<typeof DurableCallbackSchema>;

/**
 * How the decision reaches whoever waits for it: the workflow's task token (a gate in a Step Functions
 * flow; also what a request without `callback` means), a signed POST to a webhook, a Lambda durable
 * function's callback, or nothing (the caller asks for it with GET /approvals/{id}/decision).
 */
export const RequestCallbackSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('task_token') }).strict(),
  z.object({ type: z.literal('webhook'), url: z.string().url().max(2048) }).strict(),
  z.object({ type: z.literal('durable') }).strict(),
  z.object({ type: z.literal('none') }).strict(),
]);
export type RequestCallback = z.infer<typeof RequestCallbackSchema>;

export const ApprovalRequestSchema = z.object({
  id: z.string(),
  executionId: z.string(),
  workflowId: z.string(),
  nodeId: z.string(),
  /** Distinguishes gates at the same node of one execution (loop iteration, tool call id). */
  step: z.string(),
  mode: HitlModeSchema,
  channel: FlowChannelSchema,
  action: AgentActionSchema,
  context: RequestContextSchema,
  /** The node's settings as this request applies them (a require_approval policy may change approvers, quorum, timeout). */
  hitl: HitlConfigSchema,
  /** The policy that paused the call, when a gate policy did. */
  policy: PolicyRefSchema.optional(),
  requestedBy: z.string().optional(),
  /** The machine principal that created the request over HTTP (an agent); absent for flow gates. */
  createdBy: z.string().optional(),
  /** The named gate an agent's request went through. */
  gateId: z.string().optional(),
  /** The caller's Idempotency-Key and the hash of the body it came with. */
  idempotency: z.object({ key: z.string(), bodyHash: z.string() }).optional(),
  callback: RequestCallbackSchema.optional(),
  /** Webhook delivery attempts so far. */
  deliveryAttempts: z.number().int().min(0).optional(),
  checkpoint: CheckpointSchema.optional(),
  status: RequestStatusSchema,
  /** 0 for the node's own approvers; n after n escalations. */
  level: z.number().int().min(0),
  createdAt: z.string(),
  dueAt: z.string(),
  /** Votes so far, for nodes that need more than one approval. */
  votes: z.array(VoteSchema).optional(),
  decision: DecisionSchema.optional(),
  delivery: DeliverySchema.optional(),
  events: z.array(HistoryEventSchema),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequestSchema>;

/** What Step Functions receives when a decision is delivered (SendTaskSuccess output). */
export const WorkflowDecisionSchema = z.object({
  requestId: z.string(),
  outcome: OutcomeSchema,
  approver: z.string(),
  reason: z.string().optional(),
  editedArgs: z.record(z.string(), z.unknown()).optional(),
  scope: DecisionScopeSchema,
  onBehalfOf: z.string().optional(),
});
export type WorkflowDecision = z.infer<typeof WorkflowDecisionSchema>;

export function toWorkflowDecision(request: ApprovalRequest): WorkflowDecision {
  const decision = request.decision;
  if (!decision) throw new Error(`request ${request.id} has no decision to deliver`);
  return {
    requestId: request.id,
    outcome: decision.outcome,
    approver: decision.approver,
    ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
    ...(decision.editedArgs !== undefined ? { editedArgs: decision.editedArgs } : {}),
    scope: decision.scope,
    ...(decision.onBehalfOf !== undefined ? { onBehalfOf: decision.onBehalfOf } : {}),
  };
}
