import { useEffect, useState } from 'preact/hooks';
import type { StoredTool, ToolPage } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { html } from '../../html.ts';
import { ToolDetail } from './tool-detail.ts';
import { ToolEditor } from './tool-editor.ts';
import { kindOf, sourceOf } from './tool-model.ts';

type Open = { readonly kind: 'tool' | 'edit'; readonly name: string } | { readonly kind: 'new' } | null;

/** The tools flows may call: a list to pick from, the picked tool's detail, and (admins) New tool and Edit. */
export function ToolsView(props: { reloadKey: number }) {
  const { api, fail } = useApp();
  const [page, setPage] = useState<ToolPage | null>(null);
  const [listKey, setListKey] = useState(0);
  const [open, setOpen] = useState<Open>(null);
  useEffect(() => {
    api<ToolPage>('GET', 'tools')
      .then(setPage)
      .catch(fail);
  }, [props.reloadKey, listKey]);

  const tools = page?.items ?? [];
  const canSave = page?.canSave ?? false;
  const openTool = open?.kind === 'tool' || open?.kind === 'edit' ? tools.find((tool) => tool.spec.name === open.name) : undefined;
  const saved = (tool: StoredTool) => {
    // The server's answer shows at once; the list reloads behind it.
    setPage((before) => before && { ...before, items: [...before.items.filter((t) => t.spec.name !== tool.spec.name), tool] });
    setOpen({ kind: 'tool', name: tool.spec.name });
    setListKey((k) => k + 1);
  };

  return html`<section id="panel-tools" role="tabpanel" aria-labelledby="tab-tools" class="columns">
    <div>
      ${canSave && html`<button type="button" id="tool-new" class="primary" onClick=${() => setOpen({ kind: 'new' })}>New tool</button>`}
      <ul id="tool-list" aria-label="tools">
        ${page && tools.length === 0 && html`<li class="empty">No tools.</li>`}
        ${tools.map(
          (tool) => html`<li key=${tool.spec.name}>
            <button
              type="button"
              class="item"
              data-tool=${tool.spec.name}
              aria-current=${open !== null && open.kind !== 'new' && open.name === tool.spec.name ? 'true' : undefined}
              onClick=${() => setOpen({ kind: 'tool', name: tool.spec.name })}
            >
              <strong>${tool.spec.name}</strong>
              <span>${kindOf(tool.spec)} · ${tool.spec.delivery} · ${sourceOf(tool)}</span>
              <small>${tool.spec.description}</small>
            </button>
          </li>`,
        )}
      </ul>
    </div>
    <div id="tool-pane">
      ${open === null && html`<p class="empty">Pick a tool to see how it runs and the arguments it takes.${canSave ? ' New tool registers one that flows can call.' : ''}</p>`}
      ${open?.kind === 'new' && html`<${ToolEditor} key="new" tool=${null} onSaved=${saved} onCancel=${() => setOpen(null)} />`}
      ${open?.kind === 'edit' && openTool && html`<${ToolEditor} key=${`edit:${open.name}`} tool=${openTool} onSaved=${saved} onCancel=${() => setOpen({ kind: 'tool', name: open.name })} />`}
      ${open?.kind === 'tool' && openTool && html`<${ToolDetail} tool=${openTool} canSave=${canSave} onEdit=${() => setOpen({ kind: 'edit', name: open.name })} />`}
    </div>
  </section>`;
}
