import { html } from '../../html.ts';
import { Field, TextInput } from '../../components/field.ts';
import { listOf, parseSeconds, type DraftEditing, type Hitl } from './hitl-model.ts';

const text = (list: readonly string[]) => list.join(', ');

/** The escalation levels of a node: who decides next when a level's time runs out. */
export function EscalationLevels(props: { hitl: Hitl; base: string; editing: DraftEditing }) {
  const { hitl: h, base: hitlBase } = props;
  const { edit, localIssue } = props.editing;
  return html`<${Field} path=${`${hitlBase}.escalation`} label='Escalation levels (used in order when on timeout is "escalate")' group=${true} class="escalation">
    ${h.escalation.map((level, k) => {
      const base = `${hitlBase}.escalation.${k}`;
      return html`<${Field} key=${`${k}:${h.escalation.length}`} path=${base} label=${`Level ${k + 1}`} group=${true} class="level">
        <${Field} path=${`${base}.approvers.groups`} label="Groups" for=${`escalation-${k}-groups`}>
          <${TextInput} id=${`escalation-${k}-groups`} initial=${text(level.approvers.groups)} onText=${(v: string) => edit(() => (level.approvers.groups = listOf(v)))} />
        <//>
        <${Field} path=${`${base}.approvers.users`} label="Users" for=${`escalation-${k}-users`}>
          <${TextInput} id=${`escalation-${k}-users`} initial=${text(level.approvers.users)} onText=${(v: string) => edit(() => (level.approvers.users = listOf(v)))} />
        <//>
        <${Field} path=${`${base}.timeoutSeconds`} label="Waits (seconds)" for=${`escalation-${k}-timeout`}>
          <${TextInput}
            id=${`escalation-${k}-timeout`}
            initial=${level.timeoutSeconds}
            inputMode="numeric"
            onText=${(v: string) => {
              const parsed = parseSeconds(v);
              if ('error' in parsed || parsed.value === undefined) return localIssue(`${base}.timeoutSeconds`, 'error' in parsed ? parsed.error : 'a whole number of seconds, at least 1');
              localIssue(`${base}.timeoutSeconds`, null);
              edit(() => (level.timeoutSeconds = parsed.value!));
            }}
          />
        <//>
        <button type="button" aria-label=${`Remove level ${k + 1}`} onClick=${() => edit(() => h.escalation.splice(k, 1))}>Remove</button>
      <//>`;
    })}
    <button type="button" id="escalation-add" onClick=${() => edit(() => h.escalation.push({ approvers: { users: [], groups: [] }, timeoutSeconds: 3600 }))}>Add level</button>
  <//>`;
}
