import type { HistoryEvent } from '../../api/types.ts';
import { KeyValueView } from '../../components/key-value-view.ts';
import { when } from '../../format.ts';
import { html } from '../../html.ts';

/** A request's history: each event with who and when, its detail as fields (raw JSON on request). */
export function EventTable(props: { events: readonly HistoryEvent[] }) {
  return html`<div class="table-wrap" role="region" aria-label="request history" tabindex="0">
    <table>
      <thead><tr>${['When', 'Event', 'By', 'Detail'].map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
      <tbody>
        ${props.events.map(
          (event) => html`<tr>
            <td>${when(event.at)}</td>
            <td>${event.type}</td>
            <td>${event.actor}</td>
            <td class="last">${event.detail === undefined ? '' : html`<${KeyValueView} value=${event.detail} label="detail" />`}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
