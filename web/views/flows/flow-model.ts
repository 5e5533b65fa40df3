import type { Issue } from '../../api/types.ts';
import type { FlowDetail } from '../../api/types.ts';
import { hitlFieldPaths } from '../hitl/hitl-model.ts';

/** A flow as the editor changes it (the body of `PUT /flows/{flowId}` without its revision). */
export type Flow = FlowDetail['current']['flow'];
export type FlowNode = Flow['nodes'][number];

/** The API path of node `index`'s HITL settings. */
export const hitlPath = (index: number): string => `nodes.${index}.hitl`;

/** The nodes' indexes in the order an execution visits them (a flow is a chain), then any the edges miss. */
export function ordered(flow: {
  readonly nodes: readonly { readonly id: string }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  readonly startAt?: string | undefined;
}): number[] {
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

/** The nodes that some issue's path points into. */
export function nodesWithIssues(issues: readonly Issue[]): Set<number> {
  const bad = new Set<number>();
  for (const issue of issues) {
    const match = /^nodes\.(\d+)(\.|$)/.exec(issue.path);
    if (match) bad.add(Number(match[1]));
  }
  return bad;
}

/** The field paths the form shows for node `index` (its tools, its HITL settings, then the flow's voice settings). */
export function fieldPaths(flow: Flow, index: number): string[] {
  return [`nodes.${index}.tools`, `nodes.${index}.tool`, ...hitlFieldPaths(hitlPath(index), flow.nodes[index]?.hitl), 'channel', 'voice.holdMessage', 'voice.holdMusicUrl'];
}
