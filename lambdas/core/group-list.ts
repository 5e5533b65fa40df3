import * as z from 'zod';

/**
 * A comma-separated list of group names from the environment (`admins,ops`), `fallback` when unset.
 * Group names have no spaces, as Cognito's do not; at least one is named.
 */
export function groupListEnv(fallback: string, role: string) {
  return z
    .string()
    .default(fallback)
    .transform((text) => text.split(',').map((group) => group.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(128).regex(/^[^\s,]+$/, 'group names have no spaces')).min(1, `name at least one ${role} group`));
}
