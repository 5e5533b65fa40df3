import type { ApprovalView } from '../../api/types.ts';
import { when } from '../../format.ts';
import { html } from '../../html.ts';
import { quorumOf } from './approvers.ts';

/**
 * How far the votes are, when more than one is needed: "1 of 2 approvals", and each vote by whom
 * (on behalf of whom), when and at which level.
 */
export function QuorumProgress(props: { approval: ApprovalView }) {
  const { approval } = props;
  const needed = quorumOf(approval.hitl, approval.policy?.id);
  const votes = approval.votes ?? [];
  if (needed.approvals <= 1 && needed.rejections <= 1 && votes.length === 0) return null;
  const approvals = votes.filter((vote) => vote.vote === 'approve').length;
  const rejections = votes.length - approvals;
  return html`<div id="quorum">
    <h3>Votes</h3>
    <p>${approvals} of ${needed.approvals} approvals · ${rejections} of ${needed.rejections} rejections</p>
    ${votes.length > 0 &&
    html`<ul class="votes-list">
      ${votes.map((vote) => html`<li>${vote.vote} by ${vote.approver}${vote.onBehalfOf ? ` on behalf of ${vote.onBehalfOf}` : ''} at level ${vote.level}, ${when(vote.at)}${vote.reason ? `: ${vote.reason}` : ''}</li>`)}
    </ul>`}
  </div>`;
}
