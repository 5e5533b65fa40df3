import { useEffect, useState } from 'preact/hooks';
import { segment } from '../../api/client.ts';
import type { ExecutionGraph } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { KeyValueView } from '../../components/key-value-view.ts';
import { html } from '../../html.ts';
import { hrefOf } from '../../navigation.ts';
import { ExecutionGraphView } from './execution-graph.ts';
import { StepList } from './step-list.ts';

/** How often a running execution's view asks again: one GET of the graph per interval. */
const REFRESH_MS = 5_000;

const isOver = (graph: ExecutionGraph) => graph.status === 'succeeded' || graph.status === 'failed';

/**
 * One execution: its path over the flow, the node where it waits highlighted, each node's states
 * with their input and output on click, the final output, its requests, and on AWS the console.
 * While it runs, the view follows it.
 */
export function ExecutionView(props: { id: string; reloadKey: number }) {
  const { api } = useApp();
  const [graph, setGraph] = useState<ExecutionGraph | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      api<ExecutionGraph>('GET', `executions/${segment(props.id)}/graph`)
        .then((loaded) => {
          if (!current) return;
          setGraph(loaded);
          setError(null);
          setSelected((before) => before ?? loaded.nodes.find((node) => node.status === 'waiting')?.id ?? null);
          if (!isOver(loaded)) timer = setTimeout(load, REFRESH_MS);
        })
        .catch((failure: Error) => current && setError(failure.message));
    void load();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [props.id, props.reloadKey]);

  if (error) return html`<p class="error">${error}</p>`;
  if (!graph) return html`<p>Loading execution ${props.id}…</p>`;
  const node = graph.nodes.find((candidate) => candidate.id === selected);
  const steps = node ? graph.steps.filter((step) => step.nodeId === node.id) : graph.steps;
  return html`<article class="execution" aria-labelledby="execution-title">
    <h2 id="execution-title">Execution ${graph.executionId}</h2>
    <p class="meta">
      ${graph.flowId}, revision ${graph.revision} · <span class=${`exec-status status-${graph.status}`} id="execution-status">${graph.status.replace(/_/g, ' ')}</span>
      ${graph.consoleUrl && html` · <a href=${graph.consoleUrl} target="_blank" rel="noopener noreferrer" id="console-link">Open in the Step Functions console</a>`}
    </p>
    <${ExecutionGraphView} graph=${graph} selected=${selected} onSelect=${(id: string) => setSelected(id === selected ? null : id)} />
    <section class="node-detail" aria-live="polite">
      <h3>${node ? `${node.name}: ${node.status.replace(/_/g, ' ')}` : 'All steps'}</h3>
      ${node &&
      node.approvals.length > 0 &&
      html`<ul class="approval-links">
        ${node.approvals.map((approval) => html`<li><a href=${hrefOf({ kind: 'request', id: approval.id })}>${approval.id}</a> (${approval.status})</li>`)}
      </ul>`}
      <${StepList} steps=${steps} label=${node ? `steps of ${node.name}` : 'steps'} />
    </section>
    ${graph.output !== undefined && graph.output !== null && html`<h3>Final output</h3><${KeyValueView} value=${graph.output} label="output" id="execution-output" />`}
  </article>`;
}
