import { useState } from 'preact/hooks';
import { segment } from '../../api/client.ts';
import type { ApprovalView, CancelResult, ExtendResult } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { when } from '../../format.ts';
import { html } from '../../html.ts';
import { deliveryNote } from './describe.ts';

/** Extend and Cancel, where the API says the caller may (`canExtend`, `canCancel`); the routes check again. */
export function InboxActions(props: { approval: ApprovalView; onChanged: () => void }) {
  const { api, show, fail, confirm } = useApp();
  const { approval } = props;
  const [minutes, setMinutes] = useState('30');
  const [why, setWhy] = useState('');
  if (approval.canExtend !== true && approval.canCancel !== true) return null;
  const path = `approvals/${segment(approval.id)}`;

  const extend = async () => {
    const bySeconds = Math.round(Number(minutes) * 60);
    if (!(bySeconds > 0)) return show('Give the number of minutes to extend by.', true);
    show('Sending…');
    try {
      const result = await api<ExtendResult>('POST', `${path}/extend`, { bySeconds });
      show(`Now due ${when(result.dueAt)}.`);
      props.onChanged();
    } catch (error) {
      fail(error);
    }
  };
  const cancel = async () => {
    const reason = why.trim();
    if (!reason) return show('Say why you cancel it: the agent passes the reason on.', true);
    if (!(await confirm({ title: 'Cancel this request?', message: `The workflow goes on as after a rejection, with your reason: ${reason}`, confirmLabel: 'Cancel request' }))) return;
    show('Sending…');
    try {
      const result = await api<CancelResult>('POST', `${path}/cancel`, { reason });
      show(`Request cancelled${deliveryNote(result.delivery)}`);
      props.onChanged();
    } catch (error) {
      fail(error);
    }
  };

  return html`<div class="decide inbox-actions">
    ${approval.canExtend === true &&
    html`<input id="extend-minutes" type="number" min="1" step="1" aria-label="minutes to extend the deadline by" value=${minutes} onInput=${(e: Event) => setMinutes((e.currentTarget as HTMLInputElement).value)} />
      <button type="button" id="extend" onClick=${() => void extend()}>Extend deadline (minutes)</button>`}
    ${approval.canCancel === true &&
    html`<input id="cancel-reason" placeholder="why cancel (the agent reads it)" maxlength="2000" aria-label="cancel reason" value=${why} onInput=${(e: Event) => setWhy((e.currentTarget as HTMLInputElement).value)} />
      <button type="button" id="cancel" class="reject" onClick=${() => void cancel()}>Cancel request</button>`}
  </div>`;
}
