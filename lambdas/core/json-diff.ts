import * as z from 'zod';

/** One changed path between two JSON values: `nodes.0.hitl.mode` went from "confirm_tools" to "blocking". */
export const JsonChangeSchema = z.object({
  path: z.string(),
  op: z.enum(['added', 'removed', 'changed']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type JsonChange = z.infer<typeof JsonChangeSchema>;

/** A diff longer than this is cut, with a last entry saying how many changes were left out. */
export const MAX_DIFF_CHANGES = 100;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The paths where `after` differs from `before`, dotted like the API's validation issues. Objects are
 * compared key by key and arrays of objects element by element; arrays of plain values (tool lists,
 * groups) count as one value, so adding a tool reads as one change of the list.
 */
export function diffJson(before: unknown, after: unknown, maxChanges = MAX_DIFF_CHANGES): JsonChange[] {
  const changes: JsonChange[] = [];
  walk(normalise(before), normalise(after), [], changes);
  if (changes.length <= maxChanges) return changes;
  const left = changes.length - (maxChanges - 1);
  return [...changes.slice(0, maxChanges - 1), { path: '…', op: 'changed', after: `${left} more changes` }];
}

function walk(before: Json | undefined, after: Json | undefined, path: string[], out: JsonChange[]): void {
  const at = path.join('.');
  if (before === undefined && after === undefined) return;
  if (before === undefined) {
    out.push({ path: at, op: 'added', after });
    return;
  }
  if (after === undefined) {
    out.push({ path: at, op: 'removed', before });
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) walk(before[key], after[key], [...path, key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && (before.some(isObject) || after.some(isObject))) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) walk(before[i], after[i], [...path, String(i)], out);
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path: at, op: 'changed', before, after });
}

function isObject(value: unknown): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Drops undefined fields, so `{a: undefined}` and `{}` compare equal, as they do once stored.
function normalise(value: unknown): Json | undefined {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Json);
}
