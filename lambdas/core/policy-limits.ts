/**
 * The documented bounds on policy rules (README, docs/flows.md). A rule is checked against the
 * structural limits when its flow is loaded or saved, and its evaluation stops past the budget.
 */
export const POLICY_LIMITS = {
  /** Characters of one rule's `when`. */
  maxExpressionChars: 4000,
  /** Parts (AST nodes) of one expression. */
  maxAstNodes: 1000,
  /** How deep an expression may nest (parentheses, calls, operators). */
  maxDepth: 32,
  /** Elements of one list literal: CEL has no ranges, so this bounds what a rule can iterate by itself. */
  maxListElements: 100,
  /** Entries of one map literal. */
  maxMapEntries: 100,
  /** Arguments of one function call. */
  maxCallArguments: 8,
  /** How deep comprehensions (all, exists, exists_one, map, filter) may nest inside each other. */
  maxComprehensionNesting: 2,
  /** Characters of a pattern built at evaluation time (literal patterns are bounded by maxExpressionChars). */
  maxPatternChars: 1000,
  /**
   * Instructions of the RE2 program a pattern compiles to, estimated from its text before compiling
   * (`x{1000}` is 1,000 instructions): compiling and matching cost time in proportion to it.
   */
  maxPatternProgramSize: 1000,
  /**
   * Cost units one rule evaluation may spend: each evaluated part costs 1, each value handed to an
   * operator, a function or a comprehension, or returned by a function, costs its size (1 per list
   * element or map entry, 1 per 64 characters), and `matches` costs its input length times its
   * pattern's program size over 32, plus 50 per instruction when it compiles a pattern not cached.
   */
  evaluationBudget: 250_000,
  /**
   * Compiled rules kept for reuse, least recently used dropped first, and the characters of their
   * expressions (a compiled rule takes about 200 bytes of memory per character: 100,000 about 20 MB).
   */
  compiledRuleCacheEntries: 500,
  compiledRuleCacheChars: 100_000,
  /** Outcomes of checking a rule (not the compiled rule), kept because node settings are parsed often. */
  checkedRuleCacheEntries: 2000,
  checkedRuleCacheChars: 400_000,
  /** Compiled RE2 patterns kept for reuse, least recently used dropped first, and their characters. */
  patternCacheEntries: 200,
  patternCacheChars: 50_000,
  /** Compiled tool-name globs kept for reuse, least recently used dropped first, and their characters. */
  globCacheEntries: 500,
  globCacheChars: 64_000,
} as const;
