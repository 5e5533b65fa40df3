/** A value that survives JSON.stringify/parse unchanged: what Step Functions carries between states. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Round-trips a value through JSON, as every hop into or out of Step Functions does (Dates become
 * strings, undefined fields vanish). Throws TypeError for values JSON cannot carry at all.
 */
export function toJson(value: unknown): JsonValue {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`${typeof value} is not JSON-serialisable`);
  return JSON.parse(text) as JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
