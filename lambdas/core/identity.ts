import * as z from 'zod';

/** The caller, as the authorizer (or, locally, the x-user / x-groups headers) vouches for them. */
export const IdentitySchema = z.object({
  userId: z.string().min(1).max(128),
  groups: z.array(z.string().min(1).max(128)).max(100).default([]),
});
export type Identity = z.infer<typeof IdentitySchema>;

/** Identity used by the system itself (sweeper timeouts, escalations). */
export const SYSTEM_TIMEOUT = 'system:timeout';
