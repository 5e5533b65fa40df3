import { invalidCursor } from './cursor.ts';

/** Every sort key of a sharded list starts with an ISO time. */
const SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z[#~]/;

/**
 * Opaque cursors of sharded lists: base64url of the list's name and the sort key the next page
 * starts after. One position serves every shard (see sharded-query.ts), so the cursor stays the
 * same size whatever the shard count, and stays valid when the count changes. A cursor of another
 * list, or not shaped like a sort key, is a 400 naming `cursor`; a shaped but made-up one only moves
 * within the list its caller may read anyway.
 */
export const positionCursor = {
  encode(list: string, after: string | undefined): string | undefined {
    return after === undefined ? undefined : Buffer.from(JSON.stringify({ list, after })).toString('base64url');
  },

  decode(cursor: string | undefined, list: string): string | undefined {
    if (cursor === undefined) return undefined;
    if (cursor.length === 0 || cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor();
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidCursor();
    const { list: named, after, ...rest } = value as Record<string, unknown>;
    const wellFormed = Object.keys(rest).length === 0 && named === list && typeof after === 'string' && after.length <= 1024 && SORT_KEY.test(after);
    if (!wellFormed) throw invalidCursor();
    return after as string;
  },
};
