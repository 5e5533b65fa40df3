import { chainLayout } from '../../components/chain-layout.ts';
import { html } from '../../html.ts';
import { ordered, type Flow } from './flow-model.ts';

const W = 170;
const H = 66;
const BOX = { width: W, height: H, gap: 56, perRow: 4, pad: 14 };

/**
 * The flow as an SVG graph, nodes in execution order, each with its HITL mode as a badge; the
 * selected node is outlined, a node with issues is red. A node is a button (click, Enter or Space),
 * named by the text it shows, so what a screen reader says matches what is seen.
 */
export function FlowGraph(props: { flow: Flow; selected: number; invalid: ReadonlySet<number>; onSelect: (index: number) => void }) {
  const { flow } = props;
  const order = ordered(flow);
  const { at, width, height, edgePath } = chainLayout(
    order.map((index) => flow.nodes[index]!.id),
    BOX,
  );
  return html`<div id="flow-graph-box" class="graph">
    <svg id="flow-graph" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="group" aria-label="flow graph">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#57606a" />
        </marker>
      </defs>
      ${flow.edges.map((edge) => {
        const d = edgePath(edge.from, edge.to);
        if (!d) return null;
        return html`<path class="edge" d=${d} stroke="#57606a" stroke-width="2" fill="none" marker-end="url(#arrow)" data-edge=${`${edge.from}->${edge.to}`} />`;
      })}
      ${flow.nodes.map((node, index) => {
        const p = at.get(node.id)!;
        const classes = `node mode-${node.hitl.mode}${index === props.selected ? ' selected' : ''}${props.invalid.has(index) ? ' invalid' : ''}`;
        return html`<g
          class=${classes}
          data-node-id=${node.id}
          tabindex="0"
          role="button"
          aria-pressed=${String(index === props.selected)}
          transform=${`translate(${p.x},${p.y})`}
          onClick=${() => props.onSelect(index)}
          onKeyDown=${(event: KeyboardEvent) => {
            if (event.key === 'Enter' || event.key === ' ') {
              event.preventDefault();
              props.onSelect(index);
            }
          }}
        >
          <rect class="box" width=${W} height=${H} rx="8" />
          <text x="10" y="22" class="title">${(node.name ?? node.id).slice(0, 22)}</text>
          <text x="10" y="40" class="sub">${node.type}${node.type === 'tool' ? ` ${node.tool}` : ''} · ${node.id}</text>
          <rect class="badge-box" x="10" y="47" width=${W - 20} height="14" rx="4" />
          <text x=${W / 2} y="58" class="badge-text" text-anchor="middle">${node.hitl.mode}</text>
        </g>`;
      })}
    </svg>
  </div>`;
}
