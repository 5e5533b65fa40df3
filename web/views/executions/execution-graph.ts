import type { ExecutionGraph, ExecutionGraphNode } from '../../api/types.ts';
import { html } from '../../html.ts';

const W = 180;
const H = 70;
const GAP = 48;
const PER_ROW = 4;
const PAD = 14;

const STATUS_TEXT: Record<ExecutionGraphNode['status'], string> = {
  not_reached: 'not reached',
  running: 'running',
  waiting: 'waiting for a person',
  done: 'done',
  failed: 'failed',
};

/** The nodes in the order the flow runs them: along the edges from the one nothing points to. */
function ordered(graph: Pick<ExecutionGraph, 'nodes' | 'edges'>): ExecutionGraphNode[] {
  const next = new Map(graph.edges.map((edge) => [edge.from, edge.to]));
  const targets = new Set(graph.edges.map((edge) => edge.to));
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const order: ExecutionGraphNode[] = [];
  for (let id = graph.nodes.find((node) => !targets.has(node.id))?.id; id !== undefined && byId.has(id) && order.length < graph.nodes.length; id = next.get(id)) {
    order.push(byId.get(id)!);
  }
  for (const node of graph.nodes) if (!order.includes(node)) order.push(node);
  return order;
}

/**
 * The execution's path over the flow: each node coloured by where the execution stands at it, the
 * node waiting for a person outlined, the edges it has taken drawn solid. A node is a button.
 */
export function ExecutionGraphView(props: { graph: ExecutionGraph; selected: string | null; onSelect: (nodeId: string) => void }) {
  const order = ordered(props.graph);
  const at = new Map(order.map((node, k) => [node.id, { x: PAD + (k % PER_ROW) * (W + GAP), y: PAD + Math.floor(k / PER_ROW) * (H + GAP) }]));
  const status = new Map(order.map((node) => [node.id, node.status]));
  const width = PAD * 2 + Math.min(order.length, PER_ROW) * (W + GAP) - GAP;
  const height = PAD * 2 + Math.ceil(order.length / PER_ROW) * (H + GAP) - GAP;
  return html`<div class="graph" id="execution-graph-box">
    <svg id="execution-graph" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="group" aria-label="execution path">
      <defs>
        <marker id="exec-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#57606a" />
        </marker>
      </defs>
      ${props.graph.edges.map((edge) => {
        const a = at.get(edge.from);
        const b = at.get(edge.to);
        if (!a || !b) return null;
        const sameRow = a.y === b.y;
        const [x1, y1] = sameRow ? [a.x + W, a.y + H / 2] : [a.x + W / 2, a.y + H];
        const [x2, y2] = sameRow ? [b.x, b.y + H / 2] : [b.x + W / 2, b.y];
        const taken = status.get(edge.to) !== 'not_reached';
        return html`<path class=${`edge${taken ? ' taken' : ''}`} d=${`M ${x1} ${y1} L ${x2} ${y2}`} marker-end="url(#exec-arrow)" data-edge=${`${edge.from}->${edge.to}`} />`;
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
