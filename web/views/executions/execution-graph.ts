import type { ExecutionGraph, ExecutionGraphNode } from '../../api/types.ts';
import { chainLayout } from '../../components/chain-layout.ts';
import { html } from '../../html.ts';
import { ordered } from '../flows/flow-model.ts';

const W = 180;
const H = 70;
const BOX = { width: W, height: H, gap: 48, perRow: 4, pad: 14 };

const STATUS_TEXT: Record<ExecutionGraphNode['status'], string> = {
  not_reached: 'not reached',
  running: 'running',
  waiting: 'waiting for a person',
  done: 'done',
  failed: 'failed',
};

/** The nodes in the order the flow runs them, from the one no edge points to (the graph carries no `startAt`). */
function inOrder(graph: Pick<ExecutionGraph, 'nodes' | 'edges'>): ExecutionGraphNode[] {
  const targets = new Set(graph.edges.map((edge) => edge.to));
  const startAt = graph.nodes.find((node) => !targets.has(node.id))?.id;
  return ordered({ ...graph, startAt }).map((index) => graph.nodes[index]!);
}

/**
 * The execution's path over the flow: each node coloured by where the execution stands at it, the
 * node waiting for a person outlined, the edges it has taken drawn solid. A node is a button.
 */
export function ExecutionGraphView(props: { graph: ExecutionGraph; selected: string | null; onSelect: (nodeId: string) => void }) {
  const order = inOrder(props.graph);
  const { at, width, height, edgePath } = chainLayout(
    order.map((node) => node.id),
    BOX,
  );
  const status = new Map(order.map((node) => [node.id, node.status]));
  return html`<div class="graph" id="execution-graph-box">
    <svg id="execution-graph" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="group" aria-label="execution path">
      <defs>
        <marker id="exec-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#57606a" />
        </marker>
      </defs>
      ${props.graph.edges.map((edge) => {
        const d = edgePath(edge.from, edge.to);
        if (!d) return null;
        const taken = status.get(edge.to) !== 'not_reached';
        return html`<path class=${`edge${taken ? ' taken' : ''}`} d=${d} marker-end="url(#exec-arrow)" data-edge=${`${edge.from}->${edge.to}`} />`;
      })}
      ${order.map((node) => {
        const p = at.get(node.id)!;
        const isSelected = node.id === props.selected;
        return html`<g
          class=${`exec-node status-${node.status}${isSelected ? ' selected' : ''}`}
          data-node-id=${node.id}
          data-status=${node.status}
          tabindex="0"
          role="button"
          aria-pressed=${String(isSelected)}
          transform=${`translate(${p.x},${p.y})`}
          onClick=${() => props.onSelect(node.id)}
          onKeyDown=${(event: KeyboardEvent) => {
            if (event.key === 'Enter' || event.key === ' ') {
              event.preventDefault();
              props.onSelect(node.id);
            }
          }}
        >
          <rect class="box" width=${W} height=${H} rx="8" />
          <text>
            <tspan x="10" y="22" class="title">${node.name.slice(0, 22)}</tspan>${' '}<tspan x="10" y="40" class="sub">${node.type} · ${node.mode}</tspan>${' '}<tspan x="10" y="60" class="state-text">${STATUS_TEXT[node.status]}</tspan>
          </text>
        </g>`;
      })}
    </svg>
  </div>`;
}
