import * as z from 'zod';
import { MAX_TIMEOUT_SECONDS } from './hitl-config.ts';

/** Body of POST /approvals/{id}/cancel: why the request is withdrawn; the agent reads it. */
export const CancelBodySchema = z
  .object({
    reason: z.string().trim().min(1).max(2000),
  })
  .strict();
export type CancelBody = z.infer<typeof CancelBodySchema>;

/** Body of POST /approvals/{id}/extend: how many seconds later the current level's deadline falls. */
export const ExtendBodySchema = z
  .object({
    bySeconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS),
  })
  .strict();
export type ExtendBody = z.infer<typeof ExtendBodySchema>;
