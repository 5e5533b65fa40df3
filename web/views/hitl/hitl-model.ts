import type { Issue } from '../../api/types.ts';
import type { FlowDetail } from '../../api/types.ts';

/** A node's or a gate's HITL settings, as the API returns them (defaults filled in). */
export type Hitl = FlowDetail['current']['flow']['nodes'][number]['hitl'];
export type HitlMode = Hitl['mode'];

export const MODES: readonly (readonly [HitlMode, string])[] = [
  ['disabled', 'disabled: no oversight'],
  ['blocking', 'blocking: every action waits for a person'],
  ['confirm_tools', 'confirm tools: tool calls go through the lists'],
  ['audit', 'audit: everything logged, nothing waits'],
];

/** A problem with a field: from the server's 400, or found here before asking (`local`). */
export interface FieldIssue extends Issue {
  readonly local?: boolean;
}

/** How a form changes its draft: `edit` applies a change and redraws; `localIssue` flags a field before the server sees it. */
export interface DraftEditing {
  readonly edit: (change: () => void) => void;
  readonly localIssue: (path: string, message: string | null) => void;
}

export const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** "a, b c" → ["a", "b", "c"]. */
export const listOf = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** A whole number of seconds, at least 1; or why the text is not one. Empty text is no value. */
export function parseSeconds(text: string): { value: number | undefined } | { error: string } {
  if (text.trim() === '') return { value: undefined };
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 ? { value: n } : { error: 'a whole number of seconds, at least 1' };
}

/** The field paths the HITL fields show under `base` (`nodes.0.hitl`, `hitl`): each shows its own issues. */
export function hitlFieldPaths(base: string, hitl: Hitl | undefined): string[] {
  const fields = ['mode', 'approvedTools', 'blockedTools', 'approvers', 'approvers.groups', 'approvers.users', 'allowSelfApproval', 'distinctApproversPerLevel', 'timeoutSeconds', 'onTimeout', 'quorum.approvals', 'quorum.rejections', 'escalation', 'policies'];
  const levels = (hitl?.escalation ?? []).flatMap((_, k) => [`escalation.${k}`, `escalation.${k}.approvers.groups`, `escalation.${k}.approvers.users`, `escalation.${k}.timeoutSeconds`]);
  return [...fields, ...levels].map((rest) => `${base}.${rest}`);
}

/**
 * Where each issue shows: next to the field whose path is the longest prefix of the issue's path,
 * or, when no shown field matches, in the list above the form.
 */
export function placeIssues(issues: readonly FieldIssue[], paths: readonly string[]): { byField: Map<string, string[]>; unplaced: FieldIssue[] } {
  const byField = new Map<string, string[]>();
  const unplaced: FieldIssue[] = [];
  for (const issue of issues) {
    const best = paths.filter((p) => issue.path === p || issue.path.startsWith(`${p}.`)).sort((a, b) => b.length - a.length)[0];
    if (best === undefined) unplaced.push(issue);
    else byField.set(best, [...(byField.get(best) ?? []), issue.message]);
  }
  return { byField, unplaced };
}
