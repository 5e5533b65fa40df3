import * as z from 'zod';
import { storable } from './storable.ts';
import { DecisionScopeSchema } from './request.ts';

/** Body of POST /approvals/{id}/respond. */
export const RespondBodySchema = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reason: z.string().trim().min(1).max(2000).optional(),
    /** Approver-edited tool arguments, used instead of the proposed ones (approve only). */
    editedArgs: z.record(z.string(), z.unknown()).superRefine(storable()).optional(),
    /** `execution`: approve also allows this tool for the rest of the execution; reject also forbids it. */
    scope: DecisionScopeSchema.default('once'),
  })
  .strict()
  .refine((body) => body.decision === 'approve' || body.editedArgs === undefined, {
    path: ['editedArgs'],
    message: 'editedArgs go with "approve" only',
  });
export type RespondBody = z.infer<typeof RespondBodySchema>;
