import type { AuditEntry, AuditPage } from '../../api/types.ts';
import { KeyValueView } from '../../components/key-value-view.ts';
import { when } from '../../format.ts';
import { html } from '../../html.ts';
import { useLoad } from '../use-load.ts';

/** The latest audit entries, each entry's detail as fields with a raw toggle. */
export function AuditView(props: { reloadKey: number }) {
  const page = useLoad<AuditPage>('audit?limit=50', props.reloadKey);
  return html`<section id="panel-audit" role="tabpanel" aria-labelledby="tab-audit">
    <div id="audit-list">
      ${page &&
      html`<div class="table-wrap" role="region" aria-label="audit log" tabindex="0">
        <table>
          <thead><tr>${['When', 'Kind', 'Actor', 'Workflow / node', 'Request', 'Detail'].map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
          <tbody>${page.items.map((entry) => html`<${AuditRow} entry=${entry} />`)}</tbody>
        </table>
      </div>`}
    </div>
  </section>`;
}

function AuditRow(props: { entry: AuditEntry }) {
  const e = props.entry;
  return html`<tr>
    <td>${when(e.at)}</td>
    <td>${e.kind}</td>
    <td>${e.actor}</td>
    <td>${e.workflowId}${e.nodeId ? ` / ${e.nodeId}` : ''}</td>
    <td>${e.requestId ?? ''}</td>
    <td class="last"><${KeyValueView} value=${e.detail} label="detail" /></td>
  </tr>`;
}
