import { Field, Select, TextInput } from '../../components/field.ts';
import { html } from '../../html.ts';
import { HitlFields } from '../hitl/hitl-fields.ts';
import type { ToolSpec } from '../../api/types.ts';
import type { DraftEditing } from '../hitl/hitl-model.ts';
import { hitlPath, type Flow } from './flow-model.ts';
import { AgentToolsPicker, ToolNodePicker } from './tool-picker.ts';

/** The selected node's tools and HITL settings, and the flow's voice settings. */
export function NodeForm(props: { draft: Flow; index: number; tools: readonly ToolSpec[]; editing: DraftEditing }) {
  const { draft, index } = props;
  const { edit } = props.editing;
  const node = draft.nodes[index]!;
  return html`<form id="node-form" novalidate onSubmit=${(event: Event) => event.preventDefault()}>
    <h3>Node ${node.id} (${node.type})</h3>
    ${node.type === 'agent'
      ? html`<${AgentToolsPicker} node=${node} index=${index} tools=${props.tools} editing=${props.editing} />`
      : html`<${ToolNodePicker} node=${node} index=${index} tools=${props.tools} editing=${props.editing} />`}
    <${HitlFields} hitl=${node.hitl} base=${hitlPath(index)} editing=${props.editing} />
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

