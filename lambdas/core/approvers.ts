import * as z from 'zod';

const principal = z.string().min(1).max(128).regex(/^[^\s,]+$/, 'must not contain spaces or commas');

/** Who may decide: any listed user, or any member of a listed group. */
export const ApproversSchema = z
  .object({
    users: z.array(principal).max(100).default([]),
    groups: z.array(principal).max(100).default([]),
  })
  .strict();
export type Approvers = z.infer<typeof ApproversSchema>;
