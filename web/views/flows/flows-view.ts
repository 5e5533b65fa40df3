import { useEffect, useRef, useState } from 'preact/hooks';
import type { FlowListItem, FlowPage, ToolPage, ToolSpec } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { html } from '../../html.ts';
import { FlowEditor } from './flow-editor.ts';
import { NewFlowForm } from './new-flow-form.ts';

type Open = { readonly kind: 'flow'; readonly flowId: string } | { readonly kind: 'new' } | null;

/** The flows: a list to pick from (and New flow), and the editor of the one picked. */
export function FlowsView(props: { reloadKey: number }) {
  const { api, fail, confirm } = useApp();
  const [flows, setFlows] = useState<readonly FlowListItem[] | null>(null);
  const [listKey, setListKey] = useState(0);
  const [open, setOpen] = useState<Open>(null);
  // The registered tools (GET /tools), which the tool pickers offer.
  const [tools, setTools] = useState<readonly ToolSpec[]>([]);
  const dirty = useRef(false);

  useEffect(() => {
    api<FlowPage>('GET', 'flows?limit=100')
      .then((page) => setFlows(page.items))
      .catch(fail);
  }, [props.reloadKey, listKey]);
  useEffect(() => {
    api<ToolPage>('GET', 'tools')
      .then((page) => setTools(page.items.map((tool) => tool.spec)))
      .catch(fail);
  }, [props.reloadKey]);

  const leave = async () =>
    !dirty.current || (await confirm({ title: 'Discard your changes?', message: 'The flow you are editing has unsaved changes; they are lost.', confirmLabel: 'Discard changes' }));

  const openFlow = async (flowId: string) => {
    if (open?.kind === 'flow' && open.flowId === flowId) return;
    if (!(await leave())) return;
    dirty.current = false;
    setOpen({ kind: 'flow', flowId });
  };
  const newFlow = async () => {
    if (!(await leave())) return;
    dirty.current = false;
    setOpen({ kind: 'new' });
  };

  return html`<section id="panel-flows" role="tabpanel" aria-labelledby="tab-flows" class="columns">
    <div>
      <button type="button" id="flow-new" class="primary" onClick=${() => void newFlow()}>New flow</button>
      <ul id="flow-list" aria-label="flows">
        ${flows?.length === 0 && html`<li class="empty">No flows.</li>`}
        ${(flows ?? []).map(
          (flow) => html`<li key=${flow.flowId}>
            <button type="button" class="item" data-flow-id=${flow.flowId} aria-current=${open?.kind === 'flow' && open.flowId === flow.flowId ? 'true' : undefined} onClick=${() => void openFlow(flow.flowId)}>
              <strong>${flow.name}</strong>
              <span>${flow.flowId} · ${flow.channel}</span>
              <small>revision ${flow.currentRevision} · deployed ${flow.deployedRevision === null ? 'none' : `revision ${flow.deployedRevision}`}</small>
            </button>
          </li>`,
        )}
      </ul>
    </div>
    <div id="flow-editor">
      ${open === null && html`<p class="empty">Pick a flow to see its graph, select a node to set its HITL mode and tools, then save and deploy.</p>`}
      ${open?.kind === 'new' &&
      html`<${NewFlowForm}
        tools=${tools}
        onCreated=${(flowId: string) => {
          setListKey((k) => k + 1);
          setOpen({ kind: 'flow', flowId });
        }}
      />`}
      ${open?.kind === 'flow' &&
      html`<${FlowEditor}
        key=${open.flowId}
        flowId=${open.flowId}
        tools=${tools}
        onDirty=${(value: boolean) => (dirty.current = value)}
        onSaved=${() => setListKey((k) => k + 1)}
      />`}
    </div>
  </section>`;
}
