import * as z from 'zod';
import { RespondBodySchema } from './respond-input.ts';

export const MAX_BATCH_DECISIONS = 50;

/** Body of POST /approvals/batch-respond: several decisions, e.g. all tool calls of one agent turn. */
export const BatchRespondBodySchema = z
  .object({
    decisions: z
      .array(z.intersection(z.object({ id: z.string().min(1).max(64) }), RespondBodySchema))
      .min(1, 'give at least one decision')
      .max(MAX_BATCH_DECISIONS),
  })
  .strict();
export type BatchRespondBody = z.infer<typeof BatchRespondBodySchema>;
