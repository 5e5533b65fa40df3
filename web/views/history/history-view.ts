import type { HistoryPage } from '../../api/types.ts';
import { DataTable } from '../../components/data-table.ts';
import { when } from '../../format.ts';
import { html } from '../../html.ts';
import { gaveUp, whatOf } from '../inbox/describe.ts';
import { useLoad } from '../use-load.ts';

/** The latest decided requests: who decided what, how and why. */
export function HistoryView(props: { reloadKey: number }) {
  const page = useLoad<HistoryPage>('history?limit=50', props.reloadKey);
  return html`<section id="panel-history" role="tabpanel" aria-labelledby="tab-history">
    <div id="history-list">
      ${page &&
      html`<${DataTable}
        label="decided requests"
        columns=${['Decided', 'Workflow / node', 'Action', 'Outcome', 'By', 'Via', 'Reason']}
        rows=${page.items.map((a) => {
          const d = a.decision;
          return [when(d?.decidedAt), `${a.workflowId} / ${a.nodeId}`, whatOf(a), (d?.outcome ?? a.status) + gaveUp(a), d?.approver, d?.channel, d?.reason ?? ''];
        })}
      />`}
    </div>
  </section>`;
}
