import type { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Parses `input` with `schema`, turning zod issues into a ValidationError that names each field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : what,
    message: issue.message,
  }));
  const summary = issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  throw new ValidationError(`invalid ${what}: ${summary}`, issues);
}

/**
 * Parses configuration (an environment, CDK context) once at start, naming every missing or bad
 * setting in one message, so an operator fixes them all in one go.
 */
export function parseConfig<S extends z.ZodType>(schema: S, source: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || what}: ${issue.message}`).join('; ');
  throw new Error(`invalid ${what}: ${problems}`);
}
