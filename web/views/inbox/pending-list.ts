import type { ApprovalSummary } from '../../api/types.ts';
import { html } from '../../html.ts';
import { PendingItem } from './pending-item.ts';
import { useNow } from './use-now.ts';

/** The pending requests shown (after the filters), each with its countdown ticking every second. */
export function PendingList(props: {
  items: readonly ApprovalSummary[] | null;
  filtered: boolean;
  selected: string | null;
  batch: ReadonlySet<string>;
  onSelect: (id: string) => void;
  onCheck: (id: string, checked: boolean) => void;
}) {
  const now = useNow();
  const items = props.items ?? [];
  return html`<ul id="pending-list" aria-label="pending requests">
    ${props.items?.length === 0 && html`<li class="empty">${props.filtered ? 'No pending request matches the filters.' : 'Nothing waits for a decision.'}</li>`}
    ${items.map(
      (item) =>
        html`<${PendingItem}
          key=${item.id}
          item=${item}
          now=${now}
          open=${item.id === props.selected}
          checked=${props.batch.has(item.id)}
          onOpen=${() => props.onSelect(item.id)}
          onCheck=${(checked: boolean) => props.onCheck(item.id, checked)}
        />`,
    )}
  </ul>`;
}
