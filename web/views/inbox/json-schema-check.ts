/**
 * The part of JSON Schema that tool argument schemas use, checked in the browser as the approver
 * types: type, enum, const, required, properties, additionalProperties, items, minimum/maximum
 * (and their exclusive forms), minLength/maxLength, pattern, minItems/maxItems. Keywords outside
 * this subset are ignored here; the API checks the full schema again when the decision arrives.
 */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** One problem with a value, by the path of the field ("amount", "items[2].sku"; "" for the whole). */
export interface SchemaIssue {
  readonly path: string;
  readonly message: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);
const num = (schema: JsonSchema, key: string) => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);

function checkNumber(schema: JsonSchema, value: number, path: string, issues: SchemaIssue[]): void {
  const min = num(schema, 'minimum');
  const max = num(schema, 'maximum');
  const exMin = num(schema, 'exclusiveMinimum');
  const exMax = num(schema, 'exclusiveMaximum');
  if (min !== undefined && value < min) issues.push({ path, message: `must be at least ${min}` });
  if (max !== undefined && value > max) issues.push({ path, message: `must be at most ${max}` });
  if (exMin !== undefined && value <= exMin) issues.push({ path, message: `must be more than ${exMin}` });
  if (exMax !== undefined && value >= exMax) issues.push({ path, message: `must be less than ${exMax}` });
}

function checkString(schema: JsonSchema, value: string, path: string, issues: SchemaIssue[]): void {
  const length = [...value].length;
  const minLength = num(schema, 'minLength');
  const maxLength = num(schema, 'maxLength');
  if (minLength !== undefined && length < minLength) issues.push({ path, message: `must be at least ${minLength} characters` });
  if (maxLength !== undefined && length > maxLength) issues.push({ path, message: `must be at most ${maxLength} characters` });
  if (typeof schema.pattern === 'string') {
    let pattern: RegExp | null = null;
    try {
      pattern = new RegExp(schema.pattern, 'u');
    } catch {
      pattern = null; // A pattern this browser cannot read is left to the API.
    }
    if (pattern && !pattern.test(value)) issues.push({ path, message: `must match ${schema.pattern}` });
  }
}

function checkObject(schema: JsonSchema, value: Record<string, unknown>, path: string, issues: SchemaIssue[]): void {
  const properties = isObject(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
  if (Array.isArray(schema.required)) {
    for (const key of schema.required) if (typeof key === 'string' && !(key in value)) issues.push({ path: join(path, key), message: 'is required' });
  }
  for (const [key, item] of Object.entries(value)) {
    const property = properties[key];
    if (isObject(property)) check(property, item, join(path, key), issues);
    else if (schema.additionalProperties === false) issues.push({ path: join(path, key), message: 'is not an argument of this tool' });
    else if (isObject(schema.additionalProperties)) check(schema.additionalProperties, item, join(path, key), issues);
  }
}

function checkArray(schema: JsonSchema, value: unknown[], path: string, issues: SchemaIssue[]): void {
  const minItems = num(schema, 'minItems');
  const maxItems = num(schema, 'maxItems');
  if (minItems !== undefined && value.length < minItems) issues.push({ path, message: `must have at least ${minItems} items` });
  if (maxItems !== undefined && value.length > maxItems) issues.push({ path, message: `must have at most ${maxItems} items` });
  if (isObject(schema.items)) value.forEach((item, index) => check(schema.items as JsonSchema, item, join(path, index), issues));
}

function check(schema: JsonSchema, value: unknown, path: string, issues: SchemaIssue[]): void {
  const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? (schema.type as string[]) : [];
  if (types.length > 0 && !types.some((type) => hasType(value, type))) {
    issues.push({ path, message: `must be ${types.join(' or ')}, not ${typeOf(value)}` });
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    issues.push({ path, message: `must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}` });
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) issues.push({ path, message: `must be ${JSON.stringify(schema.const)}` });
  if (typeof value === 'number') checkNumber(schema, value, path, issues);
  else if (typeof value === 'string') checkString(schema, value, path, issues);
  else if (Array.isArray(value)) checkArray(schema, value, path, issues);
  else if (isObject(value)) checkObject(schema, value, path, issues);
}

/** Every problem of `value` against `schema` (the subset above), in document order. */
export function checkAgainstSchema(schema: JsonSchema, value: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  check(schema, value, '', issues);
  return issues;
}
