import * as z from 'zod';
import { diffJson } from './json-diff.ts';

/** One argument an approver changed: where, what it was and what it became (no `from`: added; no `to`: removed). */
export const ArgChangeSchema = z.object({ path: z.string(), from: z.unknown().optional(), to: z.unknown().optional() });
export type ArgChange = z.infer<typeof ArgChangeSchema>;

/**
 * How `after` differs from `before`, argument by argument (the JSON diff of flow revisions, in the
 * `{ path, from, to }` shape of a decision's `argsDiff`): nested objects by dotted path, lists of
 * plain values as a whole. Equal arguments are left out.
 */
export function diffArgs(before: Record<string, unknown>, after: Record<string, unknown>): ArgChange[] {
  return diffJson(before, after).map((change) => ({
    path: change.path,
    ...(change.op !== 'added' && change.before !== undefined ? { from: change.before } : {}),
    ...(change.op !== 'removed' && change.after !== undefined ? { to: change.after } : {}),
  }));
}

const MAX_VALUE_CHARS = 80;

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/** The changes as one line the agent (and a person) reads: `to: a@x.com -> b@x.com; subject: (none) -> Hi`. */
export function describeArgChanges(changes: readonly ArgChange[]): string {
  return changes
    .map((change) => `${change.path}: ${'from' in change ? show(change.from) : '(none)'} -> ${'to' in change ? show(change.to) : '(removed)'}`)
    .join('; ');
}
