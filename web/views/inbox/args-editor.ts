import { html } from '../../html.ts';
import { diffArgs } from './args-diff.ts';
import type { ArgsEdit } from './args-edit.ts';

/** The proposed → edited changes, shown before approving. */
function ArgsDiff(props: { proposed: Readonly<Record<string, unknown>>; edited: Readonly<Record<string, unknown>> }) {
  const changes = diffArgs(props.proposed, props.edited);
  if (changes.length === 0) return null;
  return html`<div id="args-diff">
    <h4>You approve these changes</h4>
    <ul class="diff">
      ${changes.map(
        (change) => html`<li data-key=${change.key}>
          ${change.before !== undefined && html`<div class="del">- ${change.key}: ${change.before}</div>`}
          ${change.after !== undefined && html`<div class="add">+ ${change.key}: ${change.after}</div>`}
        </li>`,
      )}
    </ul>
  </div>`;
}

/**
 * The tool call's arguments as editable JSON, checked as the approver types (JSON, then the tool's
 * schema): the problems show right under the editor, by field, and the changes from the proposed
 * arguments show as a diff. `refused` is what the API said about the last edit sent.
 */
export function ArgsEditor(props: { proposed: Readonly<Record<string, unknown>>; text: string; edit: ArgsEdit; refused: string; onText: (text: string) => void }) {
  const { edit } = props;
  const problems = edit.ok ? [] : [...(edit.error ? [edit.error] : []), ...edit.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))];
  if (!edit.ok && !edit.error && !edit.changed) problems.unshift('The proposed arguments break the tool schema:');
  if (props.refused) problems.push(props.refused);
  const invalid = problems.length > 0;
  return html`<div class=${invalid ? 'field has-error' : 'field'}>
    <label for="args">Arguments (edit before approving if needed)</label>
    <textarea id="args" rows="8" spellcheck="false" aria-describedby="args-error" aria-invalid=${invalid ? 'true' : 'false'} value=${props.text} onInput=${(e: Event) => props.onText((e.currentTarget as HTMLTextAreaElement).value)}></textarea>
    <span id="args-error" class="field-error" role="alert">${problems.join(' · ')}</span>
    ${edit.ok && edit.changed && html`<${ArgsDiff} proposed=${props.proposed} edited=${edit.args} />`}
  </div>`;
}
