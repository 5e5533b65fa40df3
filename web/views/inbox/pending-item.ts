import type { ApprovalSummary } from '../../api/types.ts';
import { html } from '../../html.ts';
import { countdown } from './countdown.ts';
import { previewOf, whatOf } from './describe.ts';

/** "votes 1 of 2 to approve", when more than one vote is needed. */
function votesOf(summary: ApprovalSummary): string {
  const quorum = summary.quorum;
  if (!quorum || (quorum.approvalsNeeded <= 1 && quorum.rejectionsNeeded <= 1)) return '';
  return `votes ${quorum.approvals} of ${quorum.approvalsNeeded} to approve${quorum.rejections ? `, ${quorum.rejections} of ${quorum.rejectionsNeeded} to reject` : ''}`;
}

/**
 * One pending request in the list, told apart from the others: the tool and key arguments, the
 * workflow and node, who asked, the policy that paused it, votes so far and the time left.
 * Only a request the caller may decide has a batch checkbox; the others say they are read-only.
 */
export function PendingItem(props: { item: ApprovalSummary; now: number; open: boolean; checked: boolean; onOpen: () => void; onCheck: (checked: boolean) => void }) {
  const { item } = props;
  const due = countdown(item.dueAt, props.now);
  const votes = votesOf(item);
  const checkId = `batch-${item.id}`;
  return html`<li class="pending-item">
    ${item.canDecide
      ? html`<input type="checkbox" class="batch-check" id=${checkId} data-id=${item.id} checked=${props.checked} aria-label=${`select ${whatOf(item)} ${item.id} for a batch decision`} onChange=${(e: Event) => props.onCheck((e.currentTarget as HTMLInputElement).checked)} />`
      : html`<span class="batch-none" aria-hidden="true"></span>`}
    <button type="button" class="item" data-id=${item.id} data-can-decide=${String(item.canDecide)} aria-current=${props.open ? 'true' : undefined} onClick=${props.onOpen}>
      <span class="item-head"><strong>${whatOf(item)}</strong>${!item.canDecide && html`<span class="tag">read-only</span>`}${item.level > 0 && html`<span class="tag">escalated</span>`}</span>
      <small class="preview">${previewOf(item)}</small>
      <small>${item.workflowId} / ${item.nodeId}${item.requestedBy ? ` · asked by ${item.requestedBy}` : ''}</small>
      ${item.policy && html`<small class="policy">policy ${item.policy.id}: ${item.policy.why}</small>`}
      <small>${votes && html`<span class="votes">${votes} · </span>`}<span class=${due.urgent ? 'due urgent' : 'due'}>${due.text}</span></small>
    </button>
  </li>`;
}
