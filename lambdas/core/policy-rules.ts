import { Environment } from '@marcbachmann/cel-js';
import { BoundedCache } from './bounded-cache.ts';
import { lineAndColumn, type CelNode } from './cel-ast.ts';
import { costProblem, describeParseError } from './policy-cost-check.ts';
import { POLICY_LIMITS } from './policy-limits.ts';
import { instrument, runMetered } from './policy-meter.ts';
import type { PolicyInput, PolicyRule, PolicySyntaxProblem } from './policy-rule-schema.ts';
import { patternCacheSize } from './re2-patterns.ts';

/**
 * Argument-aware policies, written in CEL (the Common Expression Language): safe, side-effect free,
 * not Turing complete, and fast to evaluate (a few µs per rule here). A rule's `when` sees:
 * - `tool`: the tool's name, `args`: its arguments,
 * - `context`: { workflowId, nodeId, channel, requestedBy, facts }.
 * Its cost is bounded (POLICY_LIMITS): checked on save and on input from outside, metered when it
 * runs. This module and its engines load on first use (see policy-checks.ts and gate-verdict.ts);
 * a rule's shape is PolicyRuleSchema (policy-rule-schema.ts).
 */
const environment = new Environment({
  unlistedVariablesAreDyn: true,
  homogeneousAggregateLiterals: false,
  limits: {
    maxAstNodes: POLICY_LIMITS.maxAstNodes,
    maxDepth: POLICY_LIMITS.maxDepth,
    maxListElements: POLICY_LIMITS.maxListElements,
    maxMapEntries: POLICY_LIMITS.maxMapEntries,
    maxCallArguments: POLICY_LIMITS.maxCallArguments,
  },
});

type Compiled = ((context: Record<string, unknown>) => unknown) & { readonly ast: CelNode };
const compiled = new BoundedCache<string, Compiled>(POLICY_LIMITS.compiledRuleCacheEntries, POLICY_LIMITS.compiledRuleCacheChars, (expression) => expression.length);

/**
 * Parses a rule's expression and checks its cost limits (POLICY_LIMITS: size, nesting, list and map
 * literals, comprehension nesting, RE2 patterns); returns the first problem, or undefined when the
 * rule is acceptable. A gate's settings are checked on every invocation of the gate function, so the
 * outcome is cached (only the outcome: checking does not fill the compiled-rule cache).
 */
export function checkExpression(expression: string): PolicySyntaxProblem | undefined {
  return checked.getOrCreate(expression, checkUncached) ?? undefined;
}

const checked = new BoundedCache<string, PolicySyntaxProblem | null>(POLICY_LIMITS.checkedRuleCacheEntries, POLICY_LIMITS.checkedRuleCacheChars, (expression) => expression.length);

function checkUncached(expression: string): PolicySyntaxProblem | null {
  let parsed: Compiled;
  try {
    parsed = parse(expression);
  } catch (error) {
    const pos = (error as { node?: { pos?: number } }).node?.pos ?? 0;
    const firstLine = String((error as Error).message).split('\n')[0] || 'syntax error';
    return { ...lineAndColumn(expression, pos), message: describeParseError(firstLine) };
  }
  const problem = costProblem(parsed.ast);
  return problem ? { ...lineAndColumn(expression, problem.pos), message: problem.message } : null;
}

function parse(expression: string): Compiled {
  return environment.parse(expression) as unknown as Compiled;
}

function compile(expression: string): Compiled {
  return compiled.getOrCreate(expression, () => {
    const fn = parse(expression);
    instrument(fn.ast);
    return fn;
  });
}

/** How many compiled rules and RE2 patterns are cached; both are bounded by POLICY_LIMITS. */
export function policyCacheSizes(): { readonly rules: number; readonly patterns: number } {
  return { rules: compiled.size, patterns: patternCacheSize() };
}

/** `overBudget`: the rule ran past POLICY_LIMITS.evaluationBudget and was stopped; the gate denies the call. */
export type RuleResult = { readonly matched: boolean; readonly error?: string; readonly overBudget?: true };

/**
 * Evaluates one rule within the evaluation budget. A rule that cannot be evaluated (a missing
 * argument, a wrong type) fails closed: deny and require_approval rules count as matching, allow
 * rules do not. A rule that runs out of budget is reported `overBudget`, matching like a failure.
 */
export function evaluateRule(rule: PolicyRule, input: PolicyInput): RuleResult {
  let fn: Compiled;
  try {
    fn = compile(rule.when);
  } catch (error) {
    return failClosed(rule, firstLineOf(error));
  }
  const run = runMetered(POLICY_LIMITS.evaluationBudget, fn, { tool: input.tool, args: input.args, context: { facts: {}, ...input.context } });
  if (run.exceeded) return { ...failClosed(rule, `exceeded its evaluation budget of ${run.budget} cost units`), overBudget: true };
  if ('error' in run) return failClosed(rule, firstLineOf(run.error));
  if (typeof run.value !== 'boolean') return failClosed(rule, `"when" gave ${typeof run.value}, not a boolean`);
  return { matched: run.value };
}

function failClosed(rule: PolicyRule, error: string): RuleResult {
  return { matched: rule.effect !== 'allow', error };
}

function firstLineOf(error: unknown): string {
  return String((error as Error).message).split('\n')[0];
}
