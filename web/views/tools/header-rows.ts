import { Field, Select, TextInput } from '../../components/field.ts';
import { html } from '../../html.ts';
import { headerRow, type HeaderRow } from './tool-model.ts';

const KINDS: readonly (readonly ['secret' | 'value', string])[] = [
  ['secret', 'from secret'],
  ['value', 'plain value'],
];

/** An HTTP tool's headers: each by the name of a secret (credentials must be), or a plain value. */
export function HeaderRows(props: { rows: HeaderRow[]; edit: (change: () => void) => void }) {
  const { rows, edit } = props;
  return html`<${Field} path="http.headers" label="Headers" group>
    ${rows.map(
      (row, i) => html`<${Field} key=${row.key} path=${`http.headers.${row.name.trim()}`} label=${`Header ${i + 1}`} group class="header-row">
        <div class="field">
          <label for=${`tool-header-name-${i}`}>Name</label>
          <${TextInput} id=${`tool-header-name-${i}`} initial=${row.name} placeholder="X-Api-Key" onText=${(v: string) => edit(() => (row.name = v))} />
        </div>
        <div class="field">
          <label for=${`tool-header-kind-${i}`}>Value</label>
          <${Select} id=${`tool-header-kind-${i}`} options=${KINDS} value=${row.secret ? 'secret' : 'value'} onValue=${(v: string) => edit(() => (row.secret = v === 'secret'))} />
        </div>
        <div class="field">
          <label for=${`tool-header-value-${i}`}>${row.secret ? 'Secret name' : 'Value'}</label>
          <${TextInput} id=${`tool-header-value-${i}`} initial=${row.value} placeholder=${row.secret ? 'tickets/api-key' : ''} onText=${(v: string) => (row.value = v)} />
        </div>
        <button type="button" class="header-remove" onClick=${() => edit(() => rows.splice(rows.indexOf(row), 1))}>Remove</button>
      <//>`,
    )}
    <button type="button" id="tool-header-add" onClick=${() => edit(() => rows.push(headerRow()))}>Add header</button>
  <//>`;
}
