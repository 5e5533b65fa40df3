import type { z } from 'zod';

/**
 * Free-form JSON that callers hand us (tool arguments, facts, edited arguments, checkpoints) ends up
 * in DynamoDB items, which refuse some of what JSON allows: numbers beyond ±2^53 (the SDK will not
 * marshal them without losing precision) or of magnitude below 1e-130 (DynamoDB underflows), and
 * documents nested more than 32 levels (our items wrap the value in up to 8 levels of their own).
 * Checking at the edge turns those into a 400 / ValidationError instead of a failed write.
 */
export const MAX_FREE_JSON_DEPTH = 20;
const MIN_MAGNITUDE = 1e-130;

/** The first reason `value` cannot be stored, with its path, or undefined when it can. */
export function unstorableIn(value: unknown, maxDepth = MAX_FREE_JSON_DEPTH, path: (string | number)[] = [], depth = 0): { path: (string | number)[]; message: string } | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) return { path, message: `number ${value} is beyond ±${Number.MAX_SAFE_INTEGER}: send it as a string` };
    if (value !== 0 && Math.abs(value) < MIN_MAGNITUDE) return { path, message: `number ${value} is too close to zero to store: send it as a string` };
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= maxDepth) return { path, message: `nested deeper than ${maxDepth} levels` };
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, inner] of entries) {
    const problem = unstorableIn(inner, maxDepth, [...path, key], depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** A zod superRefine callback: adds an issue where the value cannot be stored. */
export function storable(maxDepth = MAX_FREE_JSON_DEPTH) {
  return (value: unknown, ctx: z.RefinementCtx): void => {
    const problem = unstorableIn(value, maxDepth);
    if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  };
}
