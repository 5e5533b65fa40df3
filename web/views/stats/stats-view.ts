import type { Stats } from '../../api/types.ts';
import { DataTable } from '../../components/data-table.ts';
import { when } from '../../format.ts';
import { html } from '../../html.ts';
import { useLoad } from '../use-load.ts';

const seconds = (value: number | null | undefined) => (value === null || value === undefined ? '-' : `\u2264 ${value} s`);

/** Decisions per workflow, node and tool, with times to decision (bucket upper bounds). */
export function StatsView(props: { reloadKey: number }) {
  const stats = useLoad<Stats>('stats', props.reloadKey);
  return html`<section id="panel-stats" role="tabpanel" aria-labelledby="tab-stats">
    <div id="stats-list">
      ${stats &&
      html`<p class="empty">Decisions from ${when(stats.from)} to ${when(stats.to)}. Times are bucket upper bounds.</p>
        ${stats.complete === false && stats.asOf ? html`<p class="empty">Complete up to ${when(stats.asOf)}; later decisions are still being counted.</p>` : null}
        <${DataTable}
          label="decision statistics"
          columns=${['Workflow / node', 'Tool', 'Approved', 'Rejected', 'Timed out', 'Escalated', 'p50', 'p90', 'p99']}
          rows=${stats.items.map((row) => {
            const t = row.secondsToDecision ?? {};
            return [`${row.workflowId} / ${row.nodeId}`, row.tool, row.approved, row.rejected, row.timed_out, row.escalated, seconds(t.p50), seconds(t.p90), seconds(t.p99)];
          })}
        />`}
    </div>
  </section>`;
}
