import { checkAgainstSchema, type JsonSchema, type SchemaIssue } from './json-schema-check.ts';

/** What the editor's text says: the arguments, or why they cannot be sent. */
export type ArgsEdit =
  | { readonly ok: true; readonly args: Record<string, unknown>; readonly changed: boolean }
  | { readonly ok: false; readonly error?: string; readonly issues: readonly SchemaIssue[]; readonly args?: Record<string, unknown>; readonly changed?: boolean };

/**
 * Reads the edited arguments: a JSON object, valid against the tool's schema when it is known.
 * Only an edit that is sent (`changed`) must pass; the proposed arguments, approved unchanged, are
 * the agent's, and the tool itself refuses them if they break its schema.
 */
export function readArgs(text: string, proposed: Readonly<Record<string, unknown>>, schema: JsonSchema | null): ArgsEdit {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Arguments are not valid JSON: ${(error as Error).message}`, issues: [] };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, error: 'Arguments are not valid JSON: arguments must be a JSON object', issues: [] };
  const args = parsed as Record<string, unknown>;
  const changed = JSON.stringify(args) !== JSON.stringify(proposed);
  const issues = schema ? checkAgainstSchema(schema, args) : [];
  if (issues.length > 0) return { ok: false, issues, args, changed };
  return { ok: true, args, changed };
}

/** Whether approving now would send a broken edit (or text that is not arguments at all). */
export function blocksApproval(edit: ArgsEdit): boolean {
  return !edit.ok && (edit.error !== undefined || edit.changed === true);
}
