import { RE2JS } from 're2js';
import { BoundedCache } from './bounded-cache.ts';
import { POLICY_LIMITS } from './policy-limits.ts';
import { estimatedProgramSize } from './re2-program-size.ts';

/**
 * CEL's `matches` in RE2 semantics, as the CEL specification requires: `re2js` matches in time linear
 * in the input, where JavaScript's backtracking RegExp can take exponential time on patterns such as
 * `^(a+)+$`. RE2 has no lookaround or backreferences, and has inline flags (`(?i)`) and `\A`, `\z`.
 */
const compiled = new BoundedCache<string, RE2JS>(POLICY_LIMITS.patternCacheEntries, POLICY_LIMITS.patternCacheChars, (pattern) => pattern.length);

/**
 * Why `pattern` is not a usable RE2 pattern, or undefined when it is. The compiled pattern is cached:
 * rules are checked whenever a node's settings are parsed, on every gate invocation.
 */
export function patternProblem(pattern: string): string | undefined {
  try {
    compilePattern(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The compiled pattern, from the bounded cache. Throws an Error naming the pattern when RE2 cannot
 * compile it, or it is longer or compiles to a larger program than the limits.
 */
export function compilePattern(pattern: string): RE2JS {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  if (pattern.length > POLICY_LIMITS.maxPatternChars) {
    throw new Error(`a pattern holds at most ${POLICY_LIMITS.maxPatternChars} characters (got ${pattern.length})`);
  }
  const estimate = estimatedProgramSize(pattern);
  if (estimate > POLICY_LIMITS.maxPatternProgramSize) throw tooLarge(pattern, estimate);
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (error) {
    throw new Error(`${JSON.stringify(pattern)} is not a valid RE2 pattern: ${String((error as Error).message).split('\n')[0]}`);
  }
  if (re.programSize() > POLICY_LIMITS.maxPatternProgramSize) throw tooLarge(pattern, re.programSize());
  compiled.set(pattern, re);
  return re;
}

function tooLarge(pattern: string, size: number): Error {
  return new Error(`${JSON.stringify(pattern.slice(0, 100))} compiles to about ${size} RE2 instructions; a pattern may have at most ${POLICY_LIMITS.maxPatternProgramSize}`);
}

/** True when `pattern` is cached (compiling it again would cost nothing). */
export function isPatternCached(pattern: string): boolean {
  return compiled.get(pattern) !== undefined;
}

/** How many compiled patterns the cache holds. */
export function patternCacheSize(): number {
  return compiled.size;
}
