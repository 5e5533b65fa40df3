import * as z from 'zod';

export const AuditKindSchema = z.enum([
  'gate_paused',
  'gate_passed',
  'gate_denied',
  'message',
  'tool_call',
  'tool_result',
  /** A voice flow put the caller on hold while a gate waits. */
  'hold',
  'vote',
  'decision',
  'escalation',
  'timeout',
  /** Flow editor: a revision saved, deployed, or an older one deployed again; under the pseudo-execution `flow:<id>`. */
  'flow_saved',
  'flow_deployed',
  'flow_rolled_back',
  /** A gate's settings saved as a new revision; under the pseudo-execution `gate:<id>`. */
  'gate_saved',
  /** The requester or an admin withdrew a pending request. */
  'cancel',
  /** An approver moved a pending request's deadline back. */
  'extend',
  /** A delegation set or ended; under the pseudo-execution `delegation:<userId>`. */
  'delegation_set',
  'delegation_ended',
  /** A tool spec saved by an admin; under the pseudo-execution `tool:<name>`. */
  'tool_saved',
]);
export type AuditKind = z.infer<typeof AuditKindSchema>;

/** What a caller asks the audit log to record. */
export const AuditRecordSchema = z.object({
  executionId: z.string(),
  workflowId: z.string(),
  nodeId: z.string().optional(),
  requestId: z.string().optional(),
  kind: AuditKindSchema,
  actor: z.string(),
  detail: z.record(z.string(), z.unknown()).default({}),
  /**
   * A stable id of the event this entry records (see `auditEventId`): the chain holds at most one
   * entry per id, so a repair after a crash never doubles an entry.
   */
  eventId: z.string().optional(),
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/**
 * A stored audit entry: `hash` is a keyed MAC (HMAC-SHA256) over the previous entry's `hash` and this
 * entry's content, so edits by anyone without the audit key are detectable.
 */
export const AuditEntrySchema = AuditRecordSchema.extend({
  /**
   * The chain the entry belongs to: absent for the execution's own chain, `request:<id>` for the
   * chain of one request's state changes (see `requestChainId`). Covered by the MAC.
   */
  chain: z.string().optional().describe("the chain the entry belongs to: absent for the execution's own, `request:<id>` for a request's state changes"),
  seq: z.number().int().min(1),
  at: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
