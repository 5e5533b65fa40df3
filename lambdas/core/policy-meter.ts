import { evaluatedNodes, isCelNode, methodCall, type CelEvaluate, type CelEvaluator, type CelNode } from './cel-ast.ts';
import { compilePattern, isPatternCached } from './re2-patterns.ts';
import { POLICY_LIMITS } from './policy-limits.ts';
import { estimatedProgramSize } from './re2-program-size.ts';

/**
 * Metering of rule evaluation. cel-js has structural limits at parse time but no cost limit at run
 * time, so each node of a parsed rule is wrapped: every evaluated node costs 1 unit, every value
 * handed to an operator, a function or a comprehension, or returned by a function, costs its size,
 * and `matches` runs on RE2 and costs its input times its program size. Past the budget, evaluation throws at the next node, so
 * even a loop that swallows errors (`exists` tries every element) ends within one pass.
 */

/** Thrown inside an evaluation that spent its budget. */
export class BudgetExceededError extends Error {
  constructor(readonly budget: number) {
    super(`exceeded its evaluation budget of ${budget} cost units`);
    this.name = 'BudgetExceededError';
  }
}

class Meter {
  remaining: number;
  // One error per run: a loop that swallows errors throws it once per element, and building a new
  // error (with its stack) each time would cost more than the loop.
  #error: BudgetExceededError | undefined;
  constructor(readonly budget: number) {
    this.remaining = budget;
  }
  get exceeded(): boolean {
    return this.#error !== undefined;
  }
  charge(units: number): void {
    this.remaining -= units;
    if (this.remaining < 0) throw (this.#error ??= new BudgetExceededError(this.budget));
  }
}

// Evaluation is synchronous (no async functions are registered), so one meter at a time is enough.
let current: Meter | undefined;

function meter(): Meter {
  if (!current) throw new Error('a policy rule was evaluated outside a metered run');
  return current;
}

export type MeteredRun<T> = { readonly exceeded: false; readonly value: T } | { readonly exceeded: false; readonly error: unknown } | { readonly exceeded: true; readonly budget: number };

/** Runs `evaluate(input)` with `budget` cost units; an evaluation that ran out is `exceeded`, whatever it returned or threw. */
export function runMetered<I, T>(budget: number, evaluate: (input: I) => T, input: I): MeteredRun<T> {
  const previous = current;
  const run = (current = new Meter(budget));
  try {
    const value = evaluate(input);
    return run.exceeded ? { exceeded: true, budget } : { exceeded: false, value };
  } catch (error) {
    return run.exceeded ? { exceeded: true, budget } : { exceeded: false, error };
  } finally {
    current = previous;
  }
}

const CHARS_PER_UNIT = 64;
const RE2_UNITS_DIVISOR = 32;
const COMPILE_UNITS_PER_INSTRUCTION = 50;

/**
 * Size of a value in cost units: 1 per list element and map entry, 1 per 64 characters, counted
 * deeply; counting stops past `limit`, so sizing a huge value costs no more than the budget left.
 */
export function sizeOf(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  if (typeof value === 'string') return Math.ceil(value.length / CHARS_PER_UNIT);
  if (typeof value !== 'object' || value === null) return 0;
  let size = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && size <= limit) {
    const item = pending.pop();
    if (typeof item === 'string') size += Math.ceil(item.length / CHARS_PER_UNIT);
    else if (item instanceof Uint8Array) size += Math.ceil(item.length / CHARS_PER_UNIT);
    else if (Array.isArray(item)) {
      size += item.length;
      if (size > limit) break;
      for (const element of item) if (typeof element === 'object' || typeof element === 'string') pending.push(element);
    } else if (item instanceof Map) {
      size += item.size;
      if (size > limit) break;
      for (const [key, inner] of item) pending.push(key, inner);
    } else if (isPlainObject(item)) {
      for (const key in item) {
        if (++size > limit) break;
        const inner = item[key];
        if (typeof inner === 'object' || typeof inner === 'string') pending.push(inner);
      }
    }
  }
  return size;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Operators whose work grows with their operands: comparisons and membership walk them, + copies them.
const SIZED_OPERAND_OPS = new Set(['==', '!=', '<', '<=', '>', '>=', 'in', '+', '-', '*', '/', '%', 'call', 'rcall']);

function counted(inner: CelEvaluate): CelEvaluate {
  return function (this: CelNode, ev, ast, ctx) {
    meter().charge(1);
    return inner.call(this, ev, ast, ctx);
  };
}

function countedAndSized(inner: CelEvaluate): CelEvaluate {
  return function (this: CelNode, ev, ast, ctx) {
    const run = meter();
    run.charge(1);
    const value = inner.call(this, ev, ast, ctx);
    run.charge(sizeOf(value, run.remaining));
    return value;
  };
}

/** CEL's `string.matches(string)`, on RE2: the library's own, on JavaScript's RegExp, never runs. */
const matchesOnRe2: CelEvaluate = function (ev, ast, ctx) {
  const run = meter();
  run.charge(1);
  const call = methodCall(ast)!;
  const text = ev.run(call.receiver, ctx);
  const pattern = ev.run(call.args[0], ctx);
  if (typeof text !== 'string' || typeof pattern !== 'string') {
    throw new Error(`found no matching overload for '${typeName(text)}.matches(${typeName(pattern)})'`);
  }
  // Longer patterns are refused by compilePattern before any work.
  if (!isPatternCached(pattern) && pattern.length <= POLICY_LIMITS.maxPatternChars) {
    run.charge(estimatedProgramSize(pattern) * COMPILE_UNITS_PER_INSTRUCTION);
  }
  const re = compilePattern(pattern);
  run.charge(Math.ceil((text.length * re.programSize()) / RE2_UNITS_DIVISOR));
  return re.test(text);
};

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'map' : typeof value;
}

/**
 * Wraps every node of a parsed rule so it runs metered, and routes `matches` to RE2. Must run before
 * the rule is first evaluated (a node fixes what it runs on its first evaluation).
 */
export function instrument(root: CelNode): void {
  // Unmetered evaluation on the library's backtracking `matches` must not happen silently.
  if (!isCelNode(root)) throw new Error('cannot meter this rule: the CEL library returned an AST of an unknown shape');
  for (const { node, parent } of evaluatedNodes(root)) {
    const call = methodCall(node);
    if (call?.name === 'matches' && call.args.length === 1) {
      node.setMeta('evaluate', matchesOnRe2);
      continue;
    }
    const evaluate = node.meta.evaluate;
    if (!evaluate) continue;
    // A macro's own nodes (`has(args.x)`, `cel.bind(x, args.y, ...)`) are looked into or bound, not walked.
    const operand = parent !== undefined && !parent.meta.macro && (SIZED_OPERAND_OPS.has(parent.op) || (parent.op === 'comprehension' && isIterableOf(parent, node)));
    // What a function returns it has built (`split("")` makes a list as long as the string).
    const sized = operand || node.op === 'call' || node.op === 'rcall';
    node.setMeta('evaluate', sized ? countedAndSized(evaluate) : counted(evaluate));
  }
}

function isIterableOf(comprehension: CelNode, node: CelNode): boolean {
  return (comprehension.args as { iterable?: unknown }).iterable === node;
}
