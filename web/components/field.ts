import { createContext } from 'preact';
import { useContext, useState } from 'preact/hooks';
import { html } from '../html.ts';

/** The messages to show next to each field, by the field's API path. */
export const FieldIssues = createContext<ReadonlyMap<string, readonly string[]>>(new Map());

/**
 * One labelled field. Its `data-path` is the API path its issues carry, and they show right under
 * it; a group (several inputs, such as the approvers' groups and users) is a fieldset.
 */
export function Field(props: { path: string; label: string; for?: string; hint?: string; group?: boolean; class?: string; children?: unknown }) {
  const messages = useContext(FieldIssues).get(props.path) ?? [];
  const className = ['field', props.group ? 'group' : '', props.class ?? '', messages.length ? 'has-error' : ''].filter(Boolean).join(' ');
  const errorId = `error-${props.path.replace(/[^a-zA-Z0-9-]/g, '-')}`;
  const content = html`
    ${props.group ? html`<legend>${props.label}</legend>` : html`<label for=${props.for}>${props.label}</label>`}
    ${props.children}
    ${props.hint && html`<small>${props.hint}</small>`}
    <span class="field-error" id=${errorId} role="alert">${messages.join(' ')}</span>`;
  return props.group
    ? html`<fieldset class=${className} data-path=${props.path}>${content}</fieldset>`
    : html`<div class=${className} data-path=${props.path}>${content}</div>`;
}

/** A text input that keeps what is typed (commas, spaces) and reports every change. */
export function TextInput(props: { id: string; initial: string | number | undefined; onText: (text: string) => void; placeholder?: string; inputMode?: string }) {
  const [text, setText] = useState(props.initial === undefined ? '' : String(props.initial));
  return html`<input
    id=${props.id}
    autocomplete="off"
    placeholder=${props.placeholder}
    inputmode=${props.inputMode}
    value=${text}
    onInput=${(event: Event) => {
      const value = (event.currentTarget as HTMLInputElement).value;
      setText(value);
      props.onText(value);
    }}
  />`;
}

export function Select<V extends string>(props: { id: string; options: readonly (readonly [V, string])[]; value: V; onValue: (value: V) => void }) {
  return html`<select id=${props.id} value=${props.value} onChange=${(event: Event) => props.onValue((event.currentTarget as HTMLSelectElement).value as V)}>
    ${props.options.map(([value, label]) => html`<option value=${value}>${label}</option>`)}
  </select>`;
}

export function Checkbox(props: { id: string; checked: boolean; label: string; onValue: (checked: boolean) => void }) {
  return html`<span class="check">
    <input id=${props.id} type="checkbox" checked=${props.checked} onChange=${(event: Event) => props.onValue((event.currentTarget as HTMLInputElement).checked)} />
    <label for=${props.id}>${props.label}</label>
  </span>`;
}
