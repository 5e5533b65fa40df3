import type { ToolSpec } from '../../api/types.ts';
import { Field, Select } from '../../components/field.ts';
import { html } from '../../html.ts';
import type { DraftEditing } from '../hitl/hitl-model.ts';
import type { FlowNode } from './flow-model.ts';

type AgentNode = Extract<FlowNode, { type: 'agent' }>;
type ToolNode = Extract<FlowNode, { type: 'tool' }>;

// A name the flow already uses stays on offer even when no tool of that name is registered (any more),
// so the server's refusal can name it.
function offered(tools: readonly ToolSpec[], used: readonly string[]): { name: string; description: string }[] {
  const registered = tools.map(({ name, description }) => ({ name, description }));
  const missing = used.filter((name) => !tools.some((tool) => tool.name === name)).map((name) => ({ name, description: 'not registered' }));
  return [...registered, ...missing];
}

/** The tools an agent node may call, picked from the registered tools (GET /tools). */
export function AgentToolsPicker(props: { node: AgentNode; index: number; tools: readonly ToolSpec[]; editing: DraftEditing }) {
  const { node, index } = props;
  const chosen = node.tools ?? [];
  return html`<${Field} path=${`nodes.${index}.tools`} label="Tools this agent may call" group class="tool-picker">
    ${offered(props.tools, chosen).map(
      (tool) => html`<span class="check" title=${tool.description}>
        <input
          type="checkbox"
          id=${`node-tool-${tool.name}`}
          data-tool=${tool.name}
          checked=${chosen.includes(tool.name)}
          onChange=${(event: Event) => {
            const on = (event.currentTarget as HTMLInputElement).checked;
            props.editing.edit(() => (node.tools = on ? [...chosen, tool.name] : chosen.filter((name) => name !== tool.name)));
          }}
        />
        <label for=${`node-tool-${tool.name}`}>${tool.name}${tool.description === 'not registered' ? ' (not registered)' : ''}</label>
      </span>`,
    )}
  <//>`;
}

/** The one tool a tool node calls, picked from the registered tools (GET /tools). */
export function ToolNodePicker(props: { node: ToolNode; index: number; tools: readonly ToolSpec[]; editing: DraftEditing }) {
  const { node, index } = props;
  const options = offered(props.tools, [node.tool]).map((tool) => [tool.name, tool.description === 'not registered' ? `${tool.name} (not registered)` : tool.name] as const);
  return html`<div class="grid">
    <${Field} path=${`nodes.${index}.tool`} label="Tool this node calls" for="node-tool">
      <${Select} id="node-tool" options=${options} value=${node.tool} onValue=${(name: string) => props.editing.edit(() => (node.tool = name))} />
    <//>
  </div>`;
}
