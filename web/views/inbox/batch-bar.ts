import { useState } from 'preact/hooks';
import type { RespondBody } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { html } from '../../html.ts';
import { describeOutcomes, type BatchOutcome } from './batch-outcome.ts';

type Lines = ReturnType<typeof describeOutcomes>['lines'];

/**
 * Select all the visible requests the caller may decide, then approve or reject the selected ones
 * with one reason (`POST /approvals/batch-respond`); rejecting asks first. Each request's result
 * shows, since some may fail (another approver was quicker: 409).
 */
export function BatchBar(props: { decidable: readonly string[]; selected: ReadonlySet<string>; onSelect: (ids: ReadonlySet<string>) => void; onDecided: () => void }) {
  const { api, show, fail, confirm } = useApp();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<Lines>([]);
  const chosen = [...props.selected];
  const allChosen = props.decidable.length > 0 && props.decidable.every((id) => props.selected.has(id));

  const decide = async (decision: RespondBody['decision']) => {
    if (chosen.length === 0) return;
    const why = reason.trim();
    if (decision === 'reject' && !(await confirm({ title: `Reject ${chosen.length} requests?`, message: why ? `Each agent reads your reason: ${why}` : 'Each agent is told it was rejected, without a reason.', confirmLabel: `Reject ${chosen.length}` }))) return;
    setBusy(true);
    show('Sending…');
    try {
      const answer = await api<{ results: BatchOutcome[] }>('POST', 'approvals/batch-respond', { decisions: chosen.map((id) => ({ id, decision, ...(why ? { reason: why } : {}) })) });
      const outcome = describeOutcomes(answer.results);
      setResults(outcome.lines);
      show(`${outcome.done} of ${chosen.length} ${decision === 'approve' ? 'approved' : 'rejected'}${outcome.failed ? `; ${outcome.failed} refused, see below the batch bar` : ''}.`, outcome.failed > 0);
      props.onSelect(new Set());
      props.onDecided();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  return html`<div class="batch" aria-label="batch decision">
    <label class="check"><input type="checkbox" id="batch-all" checked=${allChosen} disabled=${props.decidable.length === 0} onChange=${(e: Event) => props.onSelect((e.currentTarget as HTMLInputElement).checked ? new Set(props.decidable) : new Set())} /> select all shown</label>
    ${chosen.length > 0 &&
    html`<div class="decide">
      <input id="batch-reason" placeholder="one reason for all (optional)" maxlength="2000" aria-label="reason for the batch decision" value=${reason} onInput=${(e: Event) => setReason((e.currentTarget as HTMLInputElement).value)} />
      <button type="button" id="batch-approve" class="approve" disabled=${busy} onClick=${() => void decide('approve')}>Approve ${chosen.length}</button>
      <button type="button" id="batch-reject" class="reject" disabled=${busy} onClick=${() => void decide('reject')}>Reject ${chosen.length}</button>
    </div>`}
    ${results.length > 0 &&
    html`<ul id="batch-results" aria-label="batch results">
      ${results.map((line) => html`<li class=${line.ok ? 'ok' : 'error'} data-id=${line.id}>${line.id}: ${line.text}</li>`)}
    </ul>`}
  </div>`;
}
