import type { StoredTool } from '../../api/types.ts';
import { FactTable } from '../../components/data-table.ts';
import { when } from '../../format.ts';
import { html } from '../../html.ts';
import { runnerOf } from './tool-model.ts';
import { SchemaView } from './schema-view.ts';

function headersOf(tool: StoredTool): string | undefined {
  const headers = Object.entries(tool.spec.http?.headers ?? {});
  if (headers.length === 0) return undefined;
  return headers.map(([name, value]) => (typeof value === 'string' ? `${name}: ${value}` : `${name}: from secret ${value.secretRef}`)).join('; ');
}

/** One tool as flows see it: how it runs, its delivery contract, where it comes from, and its arguments. */
export function ToolDetail(props: { tool: StoredTool; canSave: boolean; onEdit: () => void }) {
  const { tool } = props;
  const { spec } = tool;
  const origin = tool.source === 'file' ? `shipped with the code (tools/${spec.name}.json)` : `saved by ${tool.savedBy ?? 'unknown'} at ${when(tool.savedAt)}`;
  const rows: [string, unknown][] = [
    ['Description', spec.description],
    ['Runs as', runnerOf(spec)],
    ['Delivery', spec.delivery === 'idempotent' ? 'idempotent (retried with the same idempotency key)' : 'at most once (never repeated)'],
    ['Side effects', spec.readOnly ? 'none (read-only)' : 'yes'],
    ['Source', origin],
  ];
  const headers = headersOf(tool);
  if (headers) rows.splice(2, 0, ['Headers', headers]);
  if (spec.http) rows.splice(2, 0, ['Limits', `timeout ${spec.http.timeoutMs} ms, ${spec.http.retries} retries (idempotent only), response up to ${spec.http.maxResponseBytes} bytes`]);
  return html`<h2>${spec.name}</h2>
    <div id="tool-facts"><${FactTable} rows=${rows} /></div>
    ${props.canSave &&
    (tool.source === 'file'
      ? html`<p class="meta" id="tool-readonly">A shipped tool is changed in its file in the repository; save a tool under another name to change how it runs here.</p>`
      : html`<div class="actions"><button type="button" id="tool-edit" class="primary" onClick=${props.onEdit}>Edit tool</button></div>`)}
    <h3>Arguments</h3>
    ${spec.mcp && html`<p class="meta">Read from the MCP server's tools/list when the tool was saved.</p>`}
    <${SchemaView} schema=${spec.argsSchema} />`;
}
