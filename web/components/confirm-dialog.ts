import { useEffect, useRef } from 'preact/hooks';
import { html } from '../html.ts';

/** What a destructive action asks before it goes ahead. */
export interface ConfirmRequest {
  readonly title: string;
  readonly message: string;
  /** The confirming button's label, naming the action ("Reject", "Deploy revision 3"). */
  readonly confirmLabel: string;
}

/**
 * A modal question (`#confirm-dialog`): `#confirm-ok` goes ahead, `#confirm-cancel` or Escape does not.
 * Focus starts on Cancel, so a stray Enter changes nothing.
 */
export function ConfirmDialog(props: { request: ConfirmRequest | null; onAnswer: (confirmed: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const box = dialog.current;
    if (!box) return;
    if (props.request && !box.open) {
      box.showModal();
      cancel.current?.focus();
    } else if (!props.request && box.open) box.close();
  }, [props.request]);
  const request = props.request;
  return html`<dialog ref=${dialog} id="confirm-dialog" aria-labelledby="confirm-title" onCancel=${(event: Event) => {
    event.preventDefault();
    props.onAnswer(false);
  }}>
    ${request &&
    html`<h2 id="confirm-title">${request.title}</h2>
      <p>${request.message}</p>
      <div class="actions">
        <button type="button" id="confirm-cancel" ref=${cancel} onClick=${() => props.onAnswer(false)}>Cancel</button>
        <button type="button" id="confirm-ok" class="danger" onClick=${() => props.onAnswer(true)}>${request.confirmLabel}</button>
      </div>`}
  </dialog>`;
}
