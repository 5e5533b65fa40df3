import { RE2JS } from 're2js';
import { BoundedCache } from './bounded-cache.ts';
import { POLICY_LIMITS } from './policy-limits.ts';

/**
 * CEL's `matches` in RE2 semantics, as the CEL specification requires: `re2js` matches in time linear
 * in the input, where JavaScript's backtracking RegExp can take exponential time on patterns such as
 * `^(a+)+$`. RE2 has no lookaround or backreferences, and has inline flags (`(?i)`) and `\A`, `\z`.
 */
const compiled = new BoundedCache<string, RE2JS>(POLICY_LIMITS.patternCacheEntries);

/** Why `pattern` is not a usable RE2 pattern, or undefined when it is. */
export function patternProblem(pattern: string): string | undefined {
  try {
    compilePattern(pattern, false);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The compiled pattern, from the bounded cache when `cache` is set. Throws an Error naming the
 * pattern when RE2 cannot compile it or it is longer than the limit.
 */
export function compilePattern(pattern: string, cache = true): RE2JS {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  if (pattern.length > POLICY_LIMITS.maxPatternChars) {
    throw new Error(`a pattern holds at most ${POLICY_LIMITS.maxPatternChars} characters (got ${pattern.length})`);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (error) {
    throw new Error(`${JSON.stringify(pattern)} is not a valid RE2 pattern: ${String((error as Error).message).split('\n')[0]}`);
  }
  if (cache) compiled.set(pattern, re);
  return re;
}

/** True when `pattern` is cached (compiling it again would cost nothing). */
export function isPatternCached(pattern: string): boolean {
  return compiled.get(pattern) !== undefined;
}

/** How many compiled patterns the cache holds. */
export function patternCacheSize(): number {
  return compiled.size;
}
