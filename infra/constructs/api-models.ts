import { JsonSchemaVersion, type JsonSchema } from 'aws-cdk-lib/aws-apigateway';
import { z } from 'zod';

/**
 * An API Gateway request model (JSON Schema draft 4) of the body `schema` accepts, made from the zod
 * schema the handler parses with, so the gateway and the handler cannot disagree about the shape.
 * What JSON Schema cannot say (refinements, trimming) stays with the handler's zod parse.
 *
 * Throws when the schema needs a keyword API Gateway's draft 4 cannot express (`$ref`, `if`, ...),
 * naming where, instead of silently checking less than the handler does.
 */
export function apiGatewayModelSchema(schema: z.ZodType, title?: string): JsonSchema {
  const { $schema: _draft, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Json;
  return { schema: JsonSchemaVersion.DRAFT4, ...(title ? { title } : {}), ...toDraft4(rest, '#') };
}

type Json = Record<string, unknown>;

/** Keywords copied as they are (their meaning is the same in 2020-12 and draft 4). */
const PLAIN = ['type', 'enum', 'required', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'title', 'description'] as const;
/** Keywords that only annotate, or say what JSON already guarantees: left out. */
const DROPPED = new Set(['default', 'examples', 'deprecated', 'readOnly', 'writeOnly', '$comment', '$id', 'id']);
/** `format` values draft 4 defines; others (zod's `uuid`, `cuid`, ...) are left to `pattern` and the handler. */
const DRAFT4_FORMATS = new Set(['date-time', 'email', 'hostname', 'ipv4', 'ipv6', 'uri']);

/** One (sub)schema from zod's JSON Schema 2020-12 to draft 4. */
function toDraft4(node: unknown, at: string): JsonSchema {
  if (node === true || (isObject(node) && Object.keys(node).length === 0)) return {};
  if (!isObject(node)) throw new Error(`${at}: ${JSON.stringify(node)} is not a schema API Gateway accepts`);
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    const path = `${at}/${key}`;
    if ((PLAIN as readonly string[]).includes(key)) out[key] = value;
    else if (DROPPED.has(key)) continue;
    else if (key === 'const') out.enum = [value];
    else if (key === 'format') {
      if (DRAFT4_FORMATS.has(String(value))) out.format = value;
    } else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
      // 2020-12 gives the bound itself; draft 4 gives a flag next to minimum / maximum.
      out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
      out[key] = true;
    } else if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Json).map(([name, sub]) => [name, toDraft4(sub, `${path}/${name}`)]));
    } else if (key === 'additionalProperties') {
      out.additionalProperties = typeof value === 'boolean' ? value : toDraft4(value, path);
    } else if (key === 'propertyNames') {
      // JSON object keys are strings anyway; any other constraint on them has no draft 4 form.
      if (!isObject(value) || Object.keys(value).some((k) => k !== 'type') || value.type !== 'string') throw unsupported(path);
    } else if (key === 'items') {
      // Next to prefixItems (a tuple), items is what may follow the listed elements.
      if (Array.isArray(node.prefixItems)) out.additionalItems = typeof value === 'boolean' ? value : toDraft4(value, path);
      else out.items = toDraft4(value, path);
    } else if (key === 'prefixItems') {
      out.items = (value as unknown[]).map((sub, i) => toDraft4(sub, `${path}/${i}`));
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = (value as unknown[]).map((sub, i) => toDraft4(sub, `${path}/${i}`));
    } else if (key === 'not') {
      out.not = toDraft4(value, path);
    } else {
      throw unsupported(path);
    }
  }
  return out as JsonSchema;
}

function unsupported(path: string): Error {
  return new Error(`${path}: API Gateway models (JSON Schema draft 4) cannot express this keyword; describe the body without it or leave the check to the handler`);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
