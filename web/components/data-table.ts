import { html } from '../html.ts';

/** A table of text cells; it scrolls sideways inside its box on a narrow screen, never the page. */
export function DataTable(props: { columns: readonly string[]; rows: readonly (readonly unknown[])[]; label: string }) {
  return html`<div class="table-wrap" role="region" aria-label=${props.label} tabindex="0">
    <table>
      <thead><tr>${props.columns.map((column) => html`<th scope="col">${column}</th>`)}</tr></thead>
      <tbody>
        ${props.rows.map((row) => html`<tr>${row.map((cell, i) => html`<td class=${i === row.length - 1 ? 'last' : ''}>${cell == null ? '' : String(cell)}</td>`)}</tr>`)}
      </tbody>
    </table>
  </div>`;
}

/** Label / value rows without a header (a request's facts at a glance). */
export function FactTable(props: { rows: readonly (readonly [string, unknown])[] }) {
  return html`<table class="facts">
    <tbody>
      ${props.rows.map(([label, value]) => html`<tr><th scope="row">${label}</th><td class="last">${value == null ? '' : String(value)}</td></tr>`)}
    </tbody>
  </table>`;
}
