import type { ExecutionStep } from '../../api/types.ts';
import { KeyValueView } from '../../components/key-value-view.ts';
import { when } from '../../format.ts';
import { html } from '../../html.ts';

function omittedNote(step: ExecutionStep, field: 'input' | 'output') {
  const left = step.omitted?.find((entry) => entry.field === field);
  return left ? html`<p class="empty">${field} left out: ${Math.round(left.bytes / 1024)} KB</p>` : null;
}

/** The states of one node (or of the whole execution) with their input, output and errors. */
export function StepList(props: { steps: readonly ExecutionStep[]; label: string }) {
  if (props.steps.length === 0) return html`<p class="empty">No recorded steps.</p>`;
  return html`<ol class="steps" aria-label=${props.label}>
    ${props.steps.map(
      (step, index) => html`<li class=${`step status-${step.status}`} data-state=${step.state}>
        <details open=${index === props.steps.length - 1}>
          <summary><strong>${step.state}</strong> · ${step.status} · ${when(step.enteredAt)}${step.exitedAt ? ` → ${when(step.exitedAt)}` : ''}</summary>
          ${step.error && html`<p class="error">${step.error}${step.cause ? `: ${step.cause}` : ''}</p>`}
          ${step.input !== undefined && html`<h4>Input</h4><${KeyValueView} value=${step.input} label="input" />`}
          ${omittedNote(step, 'input')}
          ${step.output !== undefined && html`<h4>Output</h4><${KeyValueView} value=${step.output} label="output" />`}
          ${omittedNote(step, 'output')}
        </details>
      </li>`,
    )}
  </ol>`;
}
