import { useEffect, useState } from 'preact/hooks';
import { segment } from '../../api/client.ts';
import type { ApprovalView } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { FactTable } from '../../components/data-table.ts';
import { KeyValueView } from '../../components/key-value-view.ts';
import { when } from '../../format.ts';
import { html } from '../../html.ts';
import { Conversation } from './conversation.ts';
import { DecisionForm } from './decision-form.ts';
import { gaveUp, whatOf } from './describe.ts';
import { EventTable } from './event-table.ts';
import { InboxActions } from './inbox-actions.ts';
import { levelText } from './approvers.ts';
import { QuorumProgress } from './quorum-progress.ts';
import { executedArgsOf } from './executed-args.ts';
import { hrefOf } from '../../navigation.ts';

/** Loads one request (`GET /approvals/{id}`) and shows it; a request the caller may not read is "not found". */
export function RequestDetail(props: { id: string; reloadKey: number; onChanged: () => void }) {
  const { api } = useApp();
  const [approval, setApproval] = useState<ApprovalView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    setApproval(null);
    setError(null);
    api<ApprovalView>('GET', `approvals/${segment(props.id)}`)
      .then((loaded) => current && setApproval(loaded))
      .catch((failure: Error) => current && setError(failure.message));
    return () => {
      current = false;
    };
  }, [props.id, props.reloadKey, version]);
  if (error) return html`<p class="error">${error}</p>`;
  if (!approval) return html`<p>Loading ${props.id}…</p>`;
  const changed = () => {
    setVersion((v) => v + 1);
    props.onChanged();
  };
  return html`<${ApprovalDetail} approval=${approval} onChanged=${changed} />`;
}

function ApprovalDetail(props: { approval: ApprovalView; onChanged: () => void }) {
  const { approval } = props;
  const facts = approval.context.facts;
  return html`<article class="request">
    <h2>${whatOf(approval)} in ${approval.workflowId} / ${approval.nodeId}</h2>
    <${FactTable}
      rows=${[
        ['Request', approval.id],
        ['Status', approval.status],
        ['Started by', approval.requestedBy ?? ''],
        ['Asked', when(approval.createdAt)],
        ['Due', when(approval.dueAt)],
        ['Level', levelText(approval.hitl, approval.level, approval.policy?.id)],
        ...(approval.policy ? [['Paused by policy', `${approval.policy.id}: ${approval.policy.why}`] as [string, string]] : []),
        ['Execution', approval.executionId],
      ]}
    />
    <p><a href=${hrefOf({ kind: 'execution', id: approval.executionId })} class="execution-link">Open the execution: where it paused and what it did</a></p>
    <${QuorumProgress} approval=${approval} />
    <${Conversation} turns=${approval.context.conversation} />
    ${Object.keys(facts).length > 0 && html`<h3>Facts</h3><${KeyValueView} value=${facts} label="facts" id="facts" />`}
    ${approval.status === 'pending' && approval.canDecide === true
      ? html`<${DecisionForm} approval=${approval} onDecided=${props.onChanged} />`
      : html`<${ReadOnlyAction} approval=${approval} />`}
    <${InboxActions} approval=${approval} onChanged=${props.onChanged} />
    <h3>History</h3>
    <${EventTable} events=${approval.events} />
  </article>`;
}

/** A request the caller does not decide (now): what was asked and, once decided, what was decided. */
function ReadOnlyAction(props: { approval: ApprovalView }) {
  const { approval } = props;
  const action = approval.action;
  const decision = approval.decision;
  const executed = executedArgsOf(approval);
  return html`<div class="read-only">
    ${action.kind === 'tool_call'
      ? html`<h3>Proposed arguments</h3><${KeyValueView} value=${action.toolCall.args} label="arguments" id="proposed-args" />`
      : html`<h3>Message</h3><pre>${action.text}</pre>`}
    ${decision?.editedArgs && html`<h3>Approved arguments (edited)</h3><${KeyValueView} value=${decision.editedArgs} label="arguments" id="approved-args" />`}
    ${executed && html`<h3>Executed arguments (what the tool ran with)</h3><${KeyValueView} value=${executed} label="arguments" id="executed-args" />`}
    ${approval.status === 'pending'
      ? html`<p class="empty">You can see this request but not decide it now.</p>`
      : decision &&
        html`<p class="outcome">
          ${decision.outcome} by ${decision.approver}${decision.onBehalfOf ? ` on behalf of ${decision.onBehalfOf}` : ''} via ${decision.channel} at ${when(decision.decidedAt)}${decision.reason ? `: ${decision.reason}` : ''}${gaveUp(approval)}
        </p>`}
  </div>`;
}
