import { useState } from 'preact/hooks';
import { Checkbox, Field, Select, TextInput } from '../../components/field.ts';
import { html } from '../../html.ts';
import { EscalationLevels } from './escalation-levels.ts';
import { listOf, MODES, parseSeconds, type DraftEditing, type Hitl } from './hitl-model.ts';

const text = (list: readonly string[] | undefined) => (list ?? []).join(', ');

/**
 * The HITL settings a flow node and a gate share: mode, tool lists, approvers, separation of duties,
 * timeout, quorum, escalation levels and policies. `base` is their API path (`nodes.0.hitl`, `hitl`).
 */
export function HitlFields(props: { hitl: Hitl; base: string; editing: DraftEditing; modes?: typeof MODES }) {
  const { hitl: h, base } = props;
  const { edit, localIssue } = props.editing;
  const path = (rest: string) => `${base}.${rest}`;
  const seconds = (rest: string, apply: (value: number | undefined) => void) => (value: string) => {
    const parsed = parseSeconds(value);
    if ('error' in parsed) return localIssue(path(rest), parsed.error);
    localIssue(path(rest), null);
    edit(() => apply(parsed.value));
  };
  const modes = props.modes ?? MODES;
  return html`<div class="grid">
      <${Field} path=${path('mode')} label="HITL mode" for="hitl-mode">
        <${Select} id="hitl-mode" options=${modes} value=${h.mode} onValue=${(v: typeof h.mode) => edit(() => (h.mode = v))} />
      <//>
      <${Field} path=${path('approvedTools')} label="Approved tools" for="hitl-approved" hint="run without asking; names or globs, comma-separated">
        <${TextInput} id="hitl-approved" initial=${text(h.approvedTools)} placeholder="search, crm.*" onText=${(v: string) => edit(() => (h.approvedTools = listOf(v)))} />
      <//>
      <${Field} path=${path('blockedTools')} label="Blocked tools" for="hitl-blocked" hint="always refused, with a reason the agent reads">
        <${TextInput} id="hitl-blocked" initial=${text(h.blockedTools)} placeholder="send_email" onText=${(v: string) => edit(() => (h.blockedTools = listOf(v)))} />
      <//>
      <${Field} path=${path('approvers')} label="Who may approve" group=${true}>
        <${Field} path=${path('approvers.groups')} label="Groups" for="hitl-approver-groups">
          <${TextInput} id="hitl-approver-groups" initial=${text(h.approvers.groups)} placeholder="approvers" onText=${(v: string) => edit(() => (h.approvers.groups = listOf(v)))} />
        <//>
        <${Field} path=${path('approvers.users')} label="Users" for="hitl-approver-users">
          <${TextInput} id="hitl-approver-users" initial=${text(h.approvers.users)} placeholder="bob, carol" onText=${(v: string) => edit(() => (h.approvers.users = listOf(v)))} />
        <//>
      <//>
      <${Field} path=${path('allowSelfApproval')} label="Separation of duties" for="hitl-self">
        <${Checkbox} id="hitl-self" checked=${h.allowSelfApproval} label="the requester may approve their own request" onValue=${(v: boolean) => edit(() => (h.allowSelfApproval = v))} />
      <//>
      <${Field} path=${path('distinctApproversPerLevel')} label="Escalation voters" for="hitl-distinct">
        <${Checkbox} id="hitl-distinct" checked=${h.distinctApproversPerLevel} label="each level decides alone" onValue=${(v: boolean) => edit(() => (h.distinctApproversPerLevel = v))} />
      <//>
      <${Field} path=${path('timeoutSeconds')} label="Timeout (seconds)" for="hitl-timeout">
        <${TextInput} id="hitl-timeout" initial=${h.timeoutSeconds} inputMode="numeric" placeholder="default: 1800 (180 for voice)" onText=${seconds('timeoutSeconds', (v) => (v === undefined ? delete h.timeoutSeconds : (h.timeoutSeconds = v)))} />
      <//>
      <${Field} path=${path('onTimeout')} label="On timeout" for="hitl-on-timeout">
        <${Select} id="hitl-on-timeout" options=${[['reject', 'reject'], ['escalate', 'escalate to the next level']]} value=${h.onTimeout} onValue=${(v: typeof h.onTimeout) => edit(() => (h.onTimeout = v))} />
      <//>
      <${Field} path=${path('quorum.approvals')} label="Approvals needed" for="hitl-quorum-approvals" hint="k of n">
        <${TextInput} id="hitl-quorum-approvals" initial=${h.quorum.approvals} inputMode="numeric" onText=${seconds('quorum.approvals', (v) => (h.quorum.approvals = v ?? 1))} />
      <//>
      <${Field} path=${path('quorum.rejections')} label="Rejections that end it" for="hitl-quorum-rejections">
        <${TextInput} id="hitl-quorum-rejections" initial=${h.quorum.rejections} inputMode="numeric" onText=${seconds('quorum.rejections', (v) => (h.quorum.rejections = v ?? 1))} />
      <//>
    </div>
    <${EscalationLevels} hitl=${h} base=${base} editing=${props.editing} />
    <${Field} path=${path('policies')} label="Policies (CEL rules, JSON)" for="hitl-policies" hint='[{"id":"big-refunds","when":"args.amount > 100","effect":"require_approval"}]'>
      <${PoliciesInput} initial=${h.policies} onPolicies=${(policies: Hitl['policies']) => edit(() => (h.policies = policies))} onError=${(message: string | null) => localIssue(path('policies'), message)} />
    <//>`;
}

/** The policies as JSON text; what does not parse to an array stays in the editor, flagged. */
function PoliciesInput(props: { initial: Hitl['policies']; onPolicies: (policies: Hitl['policies']) => void; onError: (message: string | null) => void }) {
  const [text, setText] = useState(() => JSON.stringify(props.initial, null, 2));
  return html`<textarea id="hitl-policies" rows="4" spellcheck="false" value=${text} onInput=${(event: Event) => {
    const value = (event.currentTarget as HTMLTextAreaElement).value;
    setText(value);
    try {
      const parsed: unknown = JSON.parse(value || '[]');
      if (!Array.isArray(parsed)) throw new Error('policies are a JSON array');
      props.onError(null);
      props.onPolicies(parsed as Hitl['policies']);
    } catch (error) {
      props.onError(`not valid JSON: ${(error as Error).message}`);
    }
  }}></textarea>`;
}
