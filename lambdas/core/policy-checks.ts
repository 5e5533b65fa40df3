import type { PolicySyntaxProblem } from './policy-rule-schema.ts';

/**
 * The checks of policy settings that need the CEL and RE2 engines (about 230 KB, some 25 ms of CPU
 * to load): a rule's `when` parses within its cost limits, a tool glob compiles. Input from outside
 * (a gate task's payload, a flow or gate saved through the API, a flow or gate file) is parsed with
 * them; items read back from our own table were checked when written, so parsing them loads neither
 * engine. policy-checker.ts implements them.
 */
export interface PolicyChecks {
  /** The first problem of a CEL expression, or undefined when it is acceptable. */
  readonly expression: (expression: string) => PolicySyntaxProblem | undefined;
  /** Why a tool glob does not compile, or undefined when it does. */
  readonly glob: (glob: string) => string | undefined;
}

// The checks of the synchronous parse under way; zod refinements cannot be handed arguments.
let inScope: PolicyChecks | undefined;

/** The checks the parse under way applies to policy settings, or undefined when it trusts them. */
export function policyChecksInScope(): PolicyChecks | undefined {
  return inScope;
}

/** Runs a synchronous `parse` that applies `checks` to every rule expression and tool glob it meets. */
export function withPolicyChecks<T>(checks: PolicyChecks, parse: () => T): T {
  const outer = inScope;
  inScope = checks;
  try {
    return parse();
  } finally {
    inScope = outer;
  }
}

/**
 * Runs a synchronous `parse` of input from outside with the full policy checks, loading their
 * engines first (once per process). Bad settings fail the parse like any other field, naming it.
 */
export async function parseWithPolicyChecks<T>(parse: () => T): Promise<T> {
  const { policyChecker } = await import('./policy-checker.ts');
  return withPolicyChecks(policyChecker, parse);
}
