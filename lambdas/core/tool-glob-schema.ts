import * as z from 'zod';
import { policyChecksInScope } from './policy-checks.ts';

/**
 * A tool name or glob as flows write them (`search`, `crm.*`). That it compiles on RE2 is checked
 * where settings come from outside (see policy-checks.ts); matching lives in tool-glob.ts.
 */
export const ToolGlobSchema = z
  .string()
  .min(1)
  .max(128)
  .superRefine((glob, ctx) => {
    const problem = policyChecksInScope()?.glob(glob);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
