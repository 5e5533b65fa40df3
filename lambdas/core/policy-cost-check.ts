import { evaluatedNodes, methodCall, type CelNode } from './cel-ast.ts';
import { POLICY_LIMITS } from './policy-limits.ts';
import { patternProblem } from './re2-patterns.ts';

/** Where a rule breaks a limit: 0-based offset in the expression and what is wrong. */
export interface CostProblem {
  readonly pos: number;
  readonly message: string;
}

const COMPREHENSIONS = 'comprehensions (all, exists, exists_one, map, filter)';

/**
 * The checks on a parsed rule that cel-js's parse-time limits do not make: comprehensions nest at
 * most `maxComprehensionNesting` deep (each level multiplies the work by the length of its list), and
 * a literal `matches` pattern must be valid RE2. Returns the first problem, or undefined.
 */
export function costProblem(root: CelNode): CostProblem | undefined {
  for (const { node, nesting, macroCall } of evaluatedNodes(root)) {
    if (node.op === 'comprehension' && nesting >= POLICY_LIMITS.maxComprehensionNesting) {
      return { pos: macroNamePos(macroCall ?? node), message: `${COMPREHENSIONS} nest at most ${POLICY_LIMITS.maxComprehensionNesting} deep` };
    }
    const call = methodCall(node);
    const pattern = call?.name === 'matches' ? call.args[0] : undefined;
    if (pattern?.op === 'value' && typeof pattern.args === 'string') {
      const problem = patternProblem(pattern.args);
      if (problem) return { pos: pattern.pos, message: problem };
    }
  }
  return undefined;
}

// A macro call's node starts at its receiver; point at the macro's name instead (`items.all(` -> `all`).
function macroNamePos(node: CelNode): number {
  const call = methodCall(node);
  if (!call) return node.pos;
  const at = node.input.indexOf(call.name, call.receiver.end);
  return at === -1 ? node.pos : at;
}

const LIMIT_MESSAGES: Record<string, string> = {
  maxAstNodes: `the expression has more than ${POLICY_LIMITS.maxAstNodes} parts`,
  maxDepth: `the expression nests more than ${POLICY_LIMITS.maxDepth} levels deep`,
  maxListElements: `a list literal holds at most ${POLICY_LIMITS.maxListElements} elements`,
  maxMapEntries: `a map literal holds at most ${POLICY_LIMITS.maxMapEntries} entries`,
  maxCallArguments: `a call takes at most ${POLICY_LIMITS.maxCallArguments} arguments`,
};

/** cel-js's "Exceeded maxListElements (100)" in the words of the documented limits; other messages as they are. */
export function describeParseError(message: string): string {
  const limit = /^Exceeded (\w+) \(\d+\)/.exec(message)?.[1];
  return (limit && LIMIT_MESSAGES[limit]) || message;
}
