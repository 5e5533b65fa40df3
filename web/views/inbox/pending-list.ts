import { useEffect, useState } from 'preact/hooks';
import type { ApprovalPage, ApprovalSummary } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { when } from '../../format.ts';
import { html } from '../../html.ts';
import { previewOf, whatOf } from './describe.ts';

const POLL_MS = 15_000;

/**
 * The requests waiting for a decision that the caller may read, newest first, 50 at a time; the
 * first page reloads every 15 s while the tab is visible.
 */
export function PendingList(props: { reloadKey: number; selected: string | null; onSelect: (id: string) => void }) {
  const { api, fail } = useApp();
  const [items, setItems] = useState<readonly ApprovalSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);

  const load = async (after: string | null) => {
    const page = await api<ApprovalPage>('GET', `approvals?limit=50${after ? `&cursor=${encodeURIComponent(after)}` : ''}`);
    setItems((before) => (after ? [...(before ?? []), ...page.items] : page.items));
    setCursor(page.nextCursor ?? null);
  };

  useEffect(() => {
    load(null).catch(fail);
    const timer = setInterval(() => {
      if (!document.hidden) load(null).catch(() => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [props.reloadKey]);

  return html`<div class="pending">
    <ul id="pending-list" aria-label="pending requests">
      ${items?.length === 0 && html`<li class="empty">Nothing waits for a decision.</li>`}
      ${(items ?? []).map(
        (approval) =>
          html`<li key=${approval.id}>
            <button type="button" class="item" data-id=${approval.id} aria-current=${approval.id === props.selected ? 'true' : undefined} onClick=${() => props.onSelect(approval.id)}>
              <strong>${whatOf(approval)}</strong>
              <span>${approval.workflowId} / ${approval.nodeId}</span>
              <small class="preview">${previewOf(approval)}</small>
              <small>asked ${when(approval.createdAt)} · due ${when(approval.dueAt)}${approval.level ? ' · escalated' : ''}</small>
            </button>
          </li>`,
      )}
    </ul>
    ${cursor && html`<button type="button" id="pending-more" onClick=${() => load(cursor).catch(fail)}>More</button>`}
  </div>`;
}
