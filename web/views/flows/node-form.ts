import { useState } from 'preact/hooks';
import { html } from '../../html.ts';
import { EscalationLevels } from './escalation-levels.ts';
import { Checkbox, Field, Select, TextInput } from './field.ts';
import { hitlPath, listOf, MODES, parseSeconds, type Flow, type Hitl } from './flow-model.ts';

/** How the form changes the draft: `edit` applies a change and redraws; `localIssue` flags a field before the server sees it. */
export interface DraftEditing {
  readonly edit: (change: () => void) => void;
  readonly localIssue: (path: string, message: string | null) => void;
}

const text = (list: readonly string[] | undefined) => (list ?? []).join(', ');

/** The HITL settings of the selected node, and the flow's voice settings. */
export function NodeForm(props: { draft: Flow; index: number; editing: DraftEditing }) {
  const { draft, index } = props;
  const { edit, localIssue } = props.editing;
  const node = draft.nodes[index]!;
  const h = node.hitl;
  const path = (rest: string) => hitlPath(index, rest);
  const seconds = (rest: string, apply: (value: number | undefined) => void) => (value: string) => {
    const parsed = parseSeconds(value);
    if ('error' in parsed) return localIssue(path(rest), parsed.error);
    localIssue(path(rest), null);
    edit(() => apply(parsed.value));
  };
  return html`<form id="node-form" novalidate onSubmit=${(event: Event) => event.preventDefault()}>
    <h3>Node ${node.id} (${node.type})</h3>
    <p class="meta">${node.type === 'agent' ? `Tools this agent may call: ${text(node.tools) || 'none'}` : `Calls the tool ${node.tool}`}</p>
    <div class="grid">
      <${Field} path=${path('mode')} label="HITL mode" for="hitl-mode">
        <${Select} id="hitl-mode" options=${MODES} value=${h.mode} onValue=${(v: typeof h.mode) => edit(() => (h.mode = v))} />
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
    <${EscalationLevels} hitl=${h} index=${index} editing=${props.editing} />
    <${Field} path=${path('policies')} label="Policies (CEL rules, JSON)" for="hitl-policies" hint='[{"id":"big-refunds","when":"args.amount > 100","effect":"require_approval"}]'>
      <${PoliciesInput} initial=${h.policies} onPolicies=${(policies: Hitl['policies']) => edit(() => (h.policies = policies))} onError=${(message: string | null) => localIssue(path('policies'), message)} />
    <//>
    <h3>Voice (the whole flow)</h3>
    <div class="grid">
      <${Field} path="channel" label="Channel" for="flow-channel">
        <${Select} id="flow-channel" options=${[['async', 'async'], ['voice', 'voice (caller on hold)']]} value=${draft.channel} onValue=${(v: Flow['channel']) => edit(() => (draft.channel = v))} />
      <//>
      <${Field} path="voice.holdMessage" label="Hold message" for="voice-hold-message">
        <${TextInput} id="voice-hold-message" initial=${draft.voice.holdMessage} onText=${(v: string) => edit(() => (draft.voice.holdMessage = v))} />
      <//>
      <${Field} path="voice.holdMusicUrl" label="Hold music URL" for="voice-hold-music">
        <${TextInput} id="voice-hold-music" initial=${draft.voice.holdMusicUrl} placeholder="https://…" onText=${(v: string) => edit(() => (v.trim() ? (draft.voice.holdMusicUrl = v.trim()) : delete draft.voice.holdMusicUrl))} />
      <//>
    </div>
  </form>`;
}

/** The node's policies as JSON text; what does not parse to an array stays in the editor, flagged. */
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
