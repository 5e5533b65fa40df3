import { useEffect, useRef } from 'preact/hooks';
import { html } from '../../html.ts';
import { SHORTCUTS } from './shortcuts.ts';

/** The list of the inbox's keyboard shortcuts (`?`), a modal closed by its button or Escape. */
export function ShortcutsDialog(props: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const box = dialog.current;
    if (!box) return;
    if (props.open && !box.open) {
      box.showModal();
      close.current?.focus();
    } else if (!props.open && box.open) box.close();
  }, [props.open]);
  return html`<dialog ref=${dialog} id="shortcuts-dialog" aria-labelledby="shortcuts-title" onClose=${props.onClose}>
    <h2 id="shortcuts-title">Keyboard shortcuts</h2>
    <table>
      <thead><tr><th scope="col">Key</th><th scope="col">Does</th></tr></thead>
      <tbody>${SHORTCUTS.map(([key, , description]) => html`<tr><td><kbd>${key}</kbd></td><td class="last">${description}</td></tr>`)}</tbody>
    </table>
    <p class="meta">Keys do nothing while you type in a field.</p>
    <div class="actions"><button type="button" id="shortcuts-close" ref=${close} onClick=${props.onClose}>Close</button></div>
  </dialog>`;
}
