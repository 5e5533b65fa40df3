import * as z from 'zod';
import type { Identity } from './identity.ts';
import { mayReadRequest } from './read-access.ts';
import type { ApprovalRequest } from './request.ts';

/** What `GET /approvals/{id}/decision` answers: `pending`, or the final status with the decision. */
export const DecisionViewSchema = z.object({
  status: z.string(),
  decision: z
    .object({
      outcome: z.string(),
      reason: z.string().optional(),
      approver: z.string(),
      editedArgs: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});
export type DecisionView = z.infer<typeof DecisionViewSchema>;

export function decisionView(request: ApprovalRequest): DecisionView {
  const decision = request.decision;
  if (request.status === 'pending' || !decision) return { status: 'pending' };
  return {
    status: request.status,
    decision: {
      outcome: decision.outcome,
      ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
      approver: decision.approver,
      ...(decision.editedArgs !== undefined ? { editedArgs: decision.editedArgs } : {}),
    },
  };
}

/** Who may read a request's decision: whoever may read the request (core/read-access.ts); everyone else is told it does not exist. */
export function mayReadDecision(identity: Identity, request: ApprovalRequest, adminGroups: readonly string[]): boolean {
  return mayReadRequest(identity, request, { adminGroups, auditorGroups: [] });
}
