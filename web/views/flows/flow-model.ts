import type { Issue } from '../../api/client.ts';
import type { FlowDetail } from '../../api/types.ts';

/** A flow as the editor changes it (the body of `PUT /flows/{flowId}` without its revision). */
export type Flow = FlowDetail['current']['flow'];
export type FlowNode = Flow['nodes'][number];
export type Hitl = FlowNode['hitl'];
export type HitlMode = Hitl['mode'];
export type EscalationLevel = Hitl['escalation'][number];

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

export const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** "a, b c" → ["a", "b", "c"]. */
export const listOf = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The nodes' indexes in the order an execution visits them (a flow is a chain), then any the edges miss. */
export function ordered(flow: Pick<Flow, 'nodes' | 'edges' | 'startAt'>): number[] {
  const byId = new Map(flow.nodes.map((node, i) => [node.id, i] as const));
  const next = new Map(flow.edges.map((edge) => [edge.from, edge.to] as const));
  const seen = new Set<string>();
  const out: number[] = [];
  for (let id: string | undefined = flow.startAt ?? flow.nodes[0]?.id; id !== undefined && byId.has(id) && !seen.has(id); id = next.get(id)) {
    seen.add(id);
    out.push(byId.get(id)!);
  }
  flow.nodes.forEach((node, i) => {
    if (!seen.has(node.id)) out.push(i);
  });
  return out;
}

/** The API path of a field of node `index`'s HITL settings. */
export const hitlPath = (index: number, rest?: string): string => `nodes.${index}.hitl${rest ? `.${rest}` : ''}`;

/** The nodes that some issue's path points into. */
export function nodesWithIssues(issues: readonly Issue[]): Set<number> {
  const bad = new Set<number>();
  for (const issue of issues) {
    const match = /^nodes\.(\d+)(\.|$)/.exec(issue.path);
    if (match) bad.add(Number(match[1]));
  }
  return bad;
}

/** The field paths the form shows for node `index`: each can show its own issues. */
export function fieldPaths(flow: Flow, index: number): string[] {
  const hitl = flow.nodes[index]?.hitl;
  const node = (rest: string) => hitlPath(index, rest);
  return [
    ...['mode', 'approvedTools', 'blockedTools', 'approvers', 'approvers.groups', 'approvers.users', 'allowSelfApproval', 'distinctApproversPerLevel', 'timeoutSeconds', 'onTimeout', 'quorum.approvals', 'quorum.rejections', 'escalation', 'policies'].map(node),
    ...(hitl?.escalation ?? []).flatMap((_, k) => [`escalation.${k}`, `escalation.${k}.approvers.groups`, `escalation.${k}.approvers.users`, `escalation.${k}.timeoutSeconds`].map(node)),
    'channel',
    'voice.holdMessage',
    'voice.holdMusicUrl',
  ];
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

/** A whole number of seconds, at least 1; or why the text is not one. Empty text is no value. */
export function parseSeconds(text: string): { value: number | undefined } | { error: string } {
  if (text.trim() === '') return { value: undefined };
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 ? { value: n } : { error: 'a whole number of seconds, at least 1' };
}
