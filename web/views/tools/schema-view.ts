import { html } from '../../html.ts';

type JsonSchema = Record<string, unknown>;

const RULES = ['minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'pattern', 'format', 'minItems', 'maxItems', 'default'] as const;

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in schema) return `exactly ${JSON.stringify(schema.const)}`;
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : typeof schema.type === 'string' ? schema.type : 'any';
  return type === 'array' && isSchema(schema.items) ? `array of ${typeOf(schema.items)}` : type;
}

function rulesOf(schema: JsonSchema): string {
  return RULES.filter((rule) => rule in schema)
    .map((rule) => `${rule} ${JSON.stringify(schema[rule])}`)
    .join(', ');
}

interface Row {
  readonly name: string;
  readonly schema: JsonSchema;
  readonly required: boolean;
}

// Nested object arguments are listed under their parent as `parent.child`, two levels deep.
function rowsOf(schema: JsonSchema, prefix = '', depth = 0): Row[] {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  return Object.entries(properties).flatMap(([name, inner]) => {
    if (!isSchema(inner)) return [];
    const row = { name: prefix + name, schema: inner, required: required.includes(name) };
    return depth < 2 && inner.type === 'object' ? [row, ...rowsOf(inner, `${prefix}${name}.`, depth + 1)] : [row];
  });
}

/** A tool's argument JSON Schema as a table of its arguments (type, required, rules), with the raw JSON below. */
export function SchemaView(props: { schema: JsonSchema }) {
  const rows = rowsOf(props.schema);
  const extra = props.schema.additionalProperties === false ? 'No other arguments are accepted.' : 'Other arguments are accepted too.';
  return html`<div id="tool-schema">
    ${rows.length === 0
      ? html`<p class="empty">No arguments. ${extra}</p>`
      : html`<div class="table-wrap" role="region" aria-label="arguments" tabindex="0">
          <table>
            <thead><tr>${['Argument', 'Type', 'Required', 'Rules', 'Description'].map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
            <tbody>
              ${rows.map(
                (row) => html`<tr data-argument=${row.name}>
                  <td><code>${row.name}</code></td>
                  <td>${typeOf(row.schema)}</td>
                  <td>${row.required ? 'required' : 'optional'}</td>
                  <td>${rulesOf(row.schema)}</td>
                  <td class="last">${typeof row.schema.description === 'string' ? row.schema.description : ''}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
        <p class="meta">${extra}</p>`}
    <details>
      <summary>JSON Schema</summary>
      <pre>${JSON.stringify(props.schema, null, 2)}</pre>
    </details>
  </div>`;
}
