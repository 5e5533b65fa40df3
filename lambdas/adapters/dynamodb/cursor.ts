import { ValidationError } from '#core/errors';

/** The shape a cursor of one listing must have: the key attributes of its index, and its fixed partition. */
export interface CursorShape {
  readonly keys: readonly string[];
  readonly partition?: { readonly attribute: string; readonly value: string };
}

/**
 * Opaque pagination cursors: the DynamoDB LastEvaluatedKey, base64url-encoded. A cursor is checked
 * against the shape of the index it belongs to, so a forged one is a 400, never a DynamoDB error
 * and never a read outside that index's partition.
 */
export const cursorCodec = {
  encode(key: Record<string, unknown> | undefined): string | undefined {
    return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
  },

  decode(cursor: string | undefined, shape: CursorShape): Record<string, string> | undefined {
    if (cursor === undefined) return undefined;
    if (cursor.length === 0 || cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
    let key: unknown;
    try {
      key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor();
    }
    if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalidCursor();
    const entries = Object.entries(key);
    const wellFormed =
      entries.length === shape.keys.length &&
      entries.every(([name, value]) => shape.keys.includes(name) && typeof value === 'string' && value.length > 0 && value.length <= 1024) &&
      (!shape.partition || (key as Record<string, unknown>)[shape.partition.attribute] === shape.partition.value);
    if (!wellFormed) throw invalidCursor();
    return key as Record<string, string>;
  },
};

/** The 400 for a cursor this API did not issue for this query. */
export function invalidCursor(): ValidationError {
  return new ValidationError('invalid cursor: pass back the nextCursor of a previous page unchanged', [
    { path: 'cursor', message: 'not a cursor this API issued' },
  ]);
}
