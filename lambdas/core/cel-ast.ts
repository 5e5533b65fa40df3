/**
 * The parts of `@marcbachmann/cel-js`'s parsed expression that the policy bounds rely on. The
 * library's type declarations leave them out, so they are declared here, in one place:
 * - a node has `op`, `args`, its source position, and `meta`: the `evaluate` function it runs, the
 *   `alternate` node a macro expanded to (`all`, `exists`, `exists_one`, `map`, `filter` expand to a
 *   `comprehension` at parse time), or a `macro` object (`has`, `cel.bind`) holding its own nodes;
 * - `setMeta('evaluate', fn)` replaces what the node runs, which is how evaluation is metered;
 * - the evaluator's `run(node, ctx)` evaluates a child node.
 * Pinned to cel-js 8.0.0 in package.json; test/unit/policy-*.test.ts fail if that shape changes, and
 * instrument() refuses (so the rule fails closed) a root that does not look like such a node.
 */
export interface CelEvaluator {
  run(node: CelNode, ctx: unknown): unknown;
}

export type CelEvaluate = (this: CelNode, ev: CelEvaluator, ast: CelNode, ctx: unknown) => unknown;

export interface CelNode {
  readonly op: string;
  readonly args: unknown;
  /** 0-based offset of the node in the expression. */
  readonly pos: number;
  readonly start: number;
  readonly end: number;
  readonly input: string;
  readonly meta: { readonly evaluate?: CelEvaluate; readonly alternate?: CelNode; readonly macro?: Record<string, unknown> };
  setMeta(key: 'evaluate', value: CelEvaluate): CelNode;
}

export function isCelNode(value: unknown): value is CelNode {
  return typeof value === 'object' && value !== null && typeof (value as CelNode).op === 'string' && typeof (value as CelNode).setMeta === 'function';
}

/** A method call `receiver.name(args)`, e.g. `args.to.matches("...")` or `args.items.all(i, ...)`. */
export function methodCall(node: CelNode): { name: string; receiver: CelNode; args: CelNode[] } | undefined {
  if (node.op !== 'rcall' || !Array.isArray(node.args)) return undefined;
  const [name, receiver, args] = node.args as [unknown, unknown, unknown];
  if (typeof name !== 'string' || !isCelNode(receiver) || !Array.isArray(args)) return undefined;
  return { name, receiver, args: args as CelNode[] };
}

/**
 * The nodes an evaluation can run, each once, with the comprehension nesting it runs at: a node in a
 * comprehension's step runs once per element. A macro call is represented by its expansion.
 */
export function* evaluatedNodes(root: CelNode): Generator<{ node: CelNode; parent?: CelNode; nesting: number; macroCall?: CelNode }> {
  const seen = new WeakSet<object>();
  const stack: { value: unknown; parent?: CelNode; nesting: number; macroCall?: CelNode }[] = [{ value: root, nesting: 0 }];
  while (stack.length > 0) {
    const { value, parent, nesting, macroCall } = stack.pop()!;
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], parent, nesting });
      continue;
    }
    if (!isCelNode(value)) {
      // A macro object (has, cel.bind) or a comprehension's arguments: their nodes belong to `parent`.
      for (const inner of Object.values(value)) stack.push({ value: inner, parent, nesting });
      continue;
    }
    const { alternate, macro } = value.meta;
    if (alternate) {
      stack.push({ value: alternate, parent, nesting, macroCall: value });
      continue;
    }
    yield { node: value, parent, nesting, macroCall };
    if (macro) stack.push({ value: macro, parent: value, nesting });
    else if (value.op === 'comprehension') pushComprehension(stack, value, nesting);
    else if (value.op !== 'value' && value.op !== 'id') stack.push({ value: value.args, parent: value, nesting });
  }
}

function pushComprehension(stack: { value: unknown; parent?: CelNode; nesting: number }[], node: CelNode, nesting: number): void {
  const { iterable, init, step } = node.args as { iterable: unknown; init: unknown; step: unknown };
  stack.push({ value: step, parent: node, nesting: nesting + 1 }, { value: init, parent: node, nesting }, { value: iterable, parent: node, nesting });
}

/** 1-based line and column of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
