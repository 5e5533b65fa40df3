import { useState } from 'preact/hooks';
import { html } from '../html.ts';

const MAX_DEPTH = 4;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function Value(props: { value: unknown; depth: number }) {
  const { value, depth } = props;
  if (isRecord(value) && depth < MAX_DEPTH && Object.keys(value).length > 0) return html`<${Pairs} value=${value} depth=${depth + 1} />`;
  if (typeof value === 'string') return html`<span class="kv-string">${value}</span>`;
  return html`<code>${JSON.stringify(value)}</code>`;
}

function Pairs(props: { value: Record<string, unknown>; depth: number }) {
  return html`<dl class="kv-pairs">
    ${Object.entries(props.value).map(([key, value]) => html`<div class="kv-pair"><dt>${key}</dt><dd><${Value} value=${value} depth=${props.depth} /></dd></div>`)}
  </dl>`;
}

/**
 * JSON shown as labelled key/value pairs (nested objects indented), with a toggle to the raw JSON.
 * Everything is text: keys and values never become markup.
 */
export function KeyValueView(props: { value: unknown; label: string; id?: string }) {
  const [raw, setRaw] = useState(false);
  const structured = isRecord(props.value) && Object.keys(props.value).length > 0;
  return html`<div class="kv" id=${props.id}>
    ${structured && html`<button type="button" class="kv-toggle link" aria-pressed=${String(raw)} onClick=${() => setRaw(!raw)}>${raw ? `Show ${props.label} as fields` : `Show ${props.label} as raw JSON`}</button>`}
    ${raw || !structured ? html`<pre>${JSON.stringify(props.value, null, 2)}</pre>` : html`<${Pairs} value=${props.value} depth=${0} />`}
  </div>`;
}
