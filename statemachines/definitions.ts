import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * An Amazon States Language definition (JSONPath), as parsed from an `.asl.json` file.
 * Deliberately loose: asl-validator and the engines check the shape; this only names the root fields.
 */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, unknown>;
  readonly Comment?: string;
  readonly TimeoutSeconds?: number;
  readonly [field: string]: unknown;
}

/** Values for `${Name}` placeholders, as CDK passes them in `DefinitionSubstitutions`. */
export type DefinitionSubstitutions = Readonly<Record<string, string>>;

// Names are file stems under statemachines/ ("approval-gate", "flows/triage"); no dots, so no "..".
const DEFINITION_NAME = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/;
const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/**
 * Reads `statemachines/<name>.asl.json`. Every call returns a fresh object, so callers may mutate it
 * (asl-validator, for one, writes `QueryLanguage` into every state it checks).
 */
export function loadDefinition(name: string): AslDefinition {
  if (!DEFINITION_NAME.test(name)) throw new Error(`invalid state machine definition name: ${JSON.stringify(name)}`);
  const file = fileURLToPath(new URL(`./${name}.asl.json`, import.meta.url));
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isAslDefinition(parsed)) throw new Error(`${name}.asl.json is not a state machine definition (no StartAt/States)`);
  return parsed;
}

/**
 * Replaces `${Name}` placeholders in every string (keys included) like CloudFormation's
 * DefinitionSubstitutions, returning a new definition.
 * Throws when a placeholder has no value: a literal `${GateFunctionArn}` would otherwise reach the
 * engine and fail only when the state runs.
 */
export function substitute<T>(definition: T, substitutions: DefinitionSubstitutions): T {
  const missing = new Set<string>();
  const replace = (text: string): string =>
    text.replace(PLACEHOLDER, (placeholder, key: string) => {
      if (Object.hasOwn(substitutions, key)) return substitutions[key];
      missing.add(key);
      return placeholder;
    });
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return replace(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [replace(key), walk(inner)]));
    }
    return value;
  };
  const result = walk(definition) as T;
  if (missing.size > 0) throw new Error(`no substitution for ${[...missing].map((key) => `\${${key}}`).join(', ')}`);
  return result;
}

function isAslDefinition(value: unknown): value is AslDefinition {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.StartAt === 'string' && candidate.States !== null && typeof candidate.States === 'object';
}
