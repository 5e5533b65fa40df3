import * as z from 'zod';
import { REQUEST_ID_PATTERN } from '#core/request-id';

/** What the gate and the sweeper hand the notifier function: which request, why, and at which level. */
export const NotifyEventSchema = z
  .object({
    requestId: z.string().regex(REQUEST_ID_PATTERN),
    reason: z.enum(['created', 'escalated']),
    level: z.number().int().min(0),
  })
  .strict();
export type NotifyEvent = z.infer<typeof NotifyEventSchema>;
