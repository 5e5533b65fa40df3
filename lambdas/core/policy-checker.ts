import type { PolicyChecks } from './policy-checks.ts';
import { checkExpression } from './policy-rules.ts';
import { globProblem } from './tool-glob.ts';

/** The full checks of policy settings: CEL rules parsed and cost-checked, tool globs compiled on RE2. */
export const policyChecker: PolicyChecks = { expression: checkExpression, glob: globProblem };
