import { checkAgainstSchema, type JsonSchema, type SchemaIssue } from './json-schema-check.ts';

/** What the editor's text says: the arguments, or why they cannot be sent. */
export type ArgsEdit =
  | { readonly ok: true; readonly args: Record<string, unknown>; readonly changed: boolean }
  | { readonly ok: false; readonly error?: string; readonly issues: readonly SchemaIssue[]; readonly args?: Record<string, unknown> };

/** Reads the edited arguments: a JSON object, valid against the tool's schema when it is known. */
export function readArgs(text: string, proposed: Readonly<Record<string, unknown>>, schema: JsonSchema | null): ArgsEdit {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Arguments are not valid JSON: ${(error as Error).message}`, issues: [] };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, error: 'Arguments are not valid JSON: arguments must be a JSON object', issues: [] };
  const args = parsed as Record<string, unknown>;
  const issues = schema ? checkAgainstSchema(schema, args) : [];
  if (issues.length > 0) return { ok: false, issues, args };
  return { ok: true, args, changed: JSON.stringify(args) !== JSON.stringify(proposed) };
}
