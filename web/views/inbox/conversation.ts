import type { ApprovalView } from '../../api/types.ts';
import { KeyValueView } from '../../components/key-value-view.ts';
import { html } from '../../html.ts';

type Turn = ApprovalView['context']['conversation'][number];

const ROLE_NAMES: Record<Turn['role'], string> = { user: 'User', assistant: 'Agent', tool: 'Tool result', system: 'System' };

/** A tool's answer as structured data when it is a JSON object or array, else null (shown as text). */
export function structuredContent(content: string): unknown {
  const trimmed = content.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return null;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return typeof parsed === 'object' && parsed !== null ? parsed : null;
  } catch {
    return null;
  }
}

function TurnView(props: { turn: Turn }) {
  const { turn } = props;
  const data = turn.role === 'tool' ? structuredContent(turn.content) : null;
  return html`<li class=${`turn ${turn.role}`}>
    <strong class="role">${ROLE_NAMES[turn.role]}${turn.toolName ? `: ${turn.toolName}` : ''}</strong>
    ${data !== null ? html`<${KeyValueView} value=${data} label="result" />` : turn.content && html`<p>${turn.content}</p>`}
    ${(turn.toolCalls ?? []).map(
      (call) => html`<div class="tool-call">
        <span class="meta">calls <code>${call.name}</code></span>
        <${KeyValueView} value=${call.args} label="arguments" />
      </div>`,
    )}
  </li>`;
}

/**
 * The last turns of the conversation that led to the request: who spoke, wrapped text, and tool
 * calls and results as key/value views with a toggle to the raw JSON.
 */
export function Conversation(props: { turns: readonly Turn[] }) {
  if (props.turns.length === 0) return null;
  const shown = props.turns.slice(-20);
  return html`<h3>Conversation</h3>
    ${shown.length < props.turns.length && html`<p class="meta">The last ${shown.length} of ${props.turns.length} turns.</p>`}
    <ol class="turns" id="conversation">
      ${shown.map((turn) => html`<${TurnView} turn=${turn} />`)}
    </ol>`;
}
