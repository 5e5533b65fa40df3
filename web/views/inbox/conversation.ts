import type { ApprovalView } from '../../api/types.ts';
import { html } from '../../html.ts';

type Turn = ApprovalView['context']['conversation'][number];

/** The last turns of the conversation that led to the request, by role, as wrapped text. */
export function Conversation(props: { turns: readonly Turn[] }) {
  if (props.turns.length === 0) return null;
  return html`<h3>Conversation</h3>
    <div class="turns">
      ${props.turns.slice(-20).map(
        (turn) => html`<div class=${`turn ${turn.role}`}>
          <strong>${turn.role}${turn.toolName ? ` ${turn.toolName}` : ''}</strong>
          <p>${turn.content}</p>
        </div>`,
      )}
    </div>`;
}
