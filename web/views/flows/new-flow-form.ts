import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client.ts';
import type { ToolSpec } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { html } from '../../html.ts';
import type { Flow } from './flow-model.ts';

/**
 * A new flow starts as one agent node with the tools picked here; the editor then sets its HITL
 * settings like any flow's, and Save and Deploy work as for any revision.
 */
export function NewFlowForm(props: { tools: readonly ToolSpec[]; onCreated: (flowId: string) => void }) {
  const { api, show } = useApp();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [tools, setTools] = useState<readonly string[]>([]);
  const [issues, setIssues] = useState<readonly { path: string; message: string }[]>([]);

  const create = async () => {
    const flowId = id.trim();
    const flow = {
      id: flowId,
      name: name.trim() || flowId,
      nodes: [{ id: 'agent', type: 'agent', tools, hitl: { mode: 'confirm_tools', approvers: { groups: ['approvers'] } } }],
      edges: [],
    } satisfies Partial<Record<keyof Flow, unknown>>;
    show(`Creating ${flowId}…`);
    try {
      const result = await api<{ flowId: string }>('POST', 'flows', flow);
      setIssues([]);
      show(`Created ${result.flowId} at revision 1. Set its HITL settings, save, and deploy it.`);
      props.onCreated(result.flowId);
    } catch (error) {
      setIssues(error instanceof ApiError ? error.issues : []);
      show((error as Error).message, true);
    }
  };

  return html`<h2>New flow</h2>
    <p class="meta">One agent node with the tools you pick; set its HITL settings, save and deploy it next. Stored with the other revisions, not as a file.</p>
    <ul id="flow-errors" class="error">
      ${issues.map((issue) => html`<li data-issue-path=${issue.path}>${issue.path}: ${issue.message}</li>`)}
    </ul>
    <div class="grid">
      <div class="field">
        <label for="flow-new-id">Id</label>
        <input id="flow-new-id" placeholder="team-triage" autocomplete="off" value=${id} onInput=${(e: Event) => setId((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="field">
        <label for="flow-new-name">Name</label>
        <input id="flow-new-name" placeholder="Team triage" autocomplete="off" value=${name} onInput=${(e: Event) => setName((e.currentTarget as HTMLInputElement).value)} />
      </div>
    </div>
    <fieldset id="flow-new-tools">
      <legend>Tools the agent may call</legend>
      ${props.tools.map(
        ({ name: tool, description }) => html`<label class="check" title=${description}>
          <input type="checkbox" value=${tool} data-tool=${tool} checked=${tools.includes(tool)} onChange=${(e: Event) => {
            const on = (e.currentTarget as HTMLInputElement).checked;
            setTools((before) => (on ? [...before, tool] : before.filter((t) => t !== tool)));
          }} />
          ${` ${tool}`}
        </label>`,
      )}
    </fieldset>
    <div class="actions"><button type="button" id="flow-create" class="primary" onClick=${() => void create()}>Create flow</button></div>`;
}
