import { useEffect, useState } from 'preact/hooks';
import type { Gate, GatePage } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { html } from '../../html.ts';
import { GateEditor } from './gate-editor.ts';

/** The named gates agents ask: a list to pick from, and the settings of the one picked. */
export function GatesView(props: { reloadKey: number }) {
  const { api, fail } = useApp();
  const [gates, setGates] = useState<readonly Gate[] | null>(null);
  const [listKey, setListKey] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  useEffect(() => {
    api<GatePage>('GET', 'gates')
      .then((page) => setGates(page.items))
      .catch(fail);
  }, [props.reloadKey, listKey]);
  return html`<section id="panel-gates" role="tabpanel" aria-labelledby="tab-gates" class="columns">
    <ul id="gate-list" aria-label="gates">
      ${gates?.length === 0 && html`<li class="empty">No gates.</li>`}
      ${(gates ?? []).map(
        (gate) => html`<li key=${gate.id}>
          <button type="button" class="item" data-gate-id=${gate.id} aria-current=${gate.id === open ? 'true' : undefined} onClick=${() => setOpen(gate.id)}>
            <strong>${gate.name}</strong>
            <span>${gate.id} · ${gate.hitl.mode}</span>
            ${gate.description && html`<small>${gate.description}</small>`}
          </button>
        </li>`,
      )}
    </ul>
    <div id="gate-editor">
      ${open === null
        ? html`<p class="empty">Pick a gate to see who approves at it and change its settings.</p>`
        : html`<${GateEditor} key=${open} gateId=${open} onSaved=${() => setListKey((k) => k + 1)} />`}
    </div>
  </section>`;
}
