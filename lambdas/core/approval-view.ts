import * as z from 'zod';
import { mayDecideNow } from './read-access.ts';
import type { Identity } from './identity.ts';
import { ApprovalRequestSchema, type ApprovalRequest } from './request.ts';

/** A request as the API shows it to one caller: the request, and whether that caller may decide it now. */
export const ApprovalViewSchema = ApprovalRequestSchema.extend({
  canDecide: z.boolean().describe('whether the caller may approve or reject it now (pending, an approver of its current level, not its requester, no vote yet)'),
  canCancel: z.boolean().optional().describe('whether the caller may cancel it now (pending; its requester or an admin)'),
  canExtend: z.boolean().optional().describe("whether the caller may extend its deadline now (pending; an approver of its level; extension left within the node's maximum)"),
});
export type ApprovalView = z.infer<typeof ApprovalViewSchema>;

export function viewFor(identity: Identity, request: ApprovalRequest): ApprovalView {
  return { ...request, canDecide: mayDecideNow(identity, request) };
}
