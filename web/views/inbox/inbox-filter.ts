import type { ApprovalSummary } from '../../api/types.ts';

/** What the approver narrowed the inbox to; an empty string means "any". */
export interface InboxFilter {
  readonly workflow: string;
  readonly node: string;
  readonly tool: string;
  /** Free text matched against the id, tool, argument previews and requester. */
  readonly text: string;
}

export const NO_FILTER: InboxFilter = { workflow: '', node: '', tool: '', text: '' };

/** The tool a listed request would call, or "" for a message. */
export function toolOf(summary: ApprovalSummary): string {
  return summary.action.kind === 'tool_call' ? summary.action.tool : '';
}

function searchableText(summary: ApprovalSummary): string {
  const action = summary.action;
  const preview = action.kind === 'tool_call' ? Object.entries(action.argsPreview).map(([key, value]) => `${key} ${value}`) : [action.textPreview];
  return [summary.id, toolOf(summary), summary.requestedBy ?? '', summary.workflowId, summary.nodeId, ...preview].join('\n').toLowerCase();
}

/** The listed requests that match every part of `filter`; the text matches case-insensitively, word by word. */
export function filterItems(items: readonly ApprovalSummary[], filter: InboxFilter): ApprovalSummary[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter(
    (item) =>
      (!filter.workflow || item.workflowId === filter.workflow) &&
      (!filter.node || item.nodeId === filter.node) &&
      (!filter.tool || toolOf(item) === filter.tool) &&
      (words.length === 0 || words.every((word) => searchableText(item).includes(word))),
  );
}

/** The workflows, nodes and tools to offer in the filter selects: what was seen, plus what is chosen, sorted. */
export function filterOptions(items: readonly ApprovalSummary[], filter: InboxFilter): { workflows: string[]; nodes: string[]; tools: string[] } {
  const sorted = (values: Iterable<string>, chosen: string) => [...new Set([...values, chosen].filter(Boolean))].sort();
  return {
    workflows: sorted(
      items.map((item) => item.workflowId),
      filter.workflow,
    ),
    nodes: sorted(
      items.map((item) => item.nodeId),
      filter.node,
    ),
    tools: sorted(items.map(toolOf), filter.tool),
  };
}

/** `GET /approvals` for the first page (or the page after `cursor`), with the filters the API applies itself. */
export function pendingPath(filter: InboxFilter, cursor: string | null, limit = 50): string {
  const query = new URLSearchParams({ limit: String(limit) });
  if (filter.workflow) query.set('workflow', filter.workflow);
  if (filter.node) query.set('node', filter.node);
  if (cursor) query.set('cursor', cursor);
  return `approvals?${query.toString()}`;
}
