import { useState } from 'preact/hooks';
import { html } from '../../html.ts';
import { PendingList } from './pending-list.ts';
import { RequestDetail } from './request-detail.ts';

/**
 * The approver's inbox: the pending list beside the request picked from it (or named by `?request=`
 * in the page's address, as the links in notifications do).
 */
export function InboxView(props: { reloadKey: number }) {
  const [selected, setSelected] = useState<string | null>(() => new URLSearchParams(location.search).get('request'));
  // Picking the shown request again reloads it; a decision reloads the list.
  const [detailKey, setDetailKey] = useState(0);
  const [listKey, setListKey] = useState(0);
  return html`<section id="panel-pending" role="tabpanel" aria-labelledby="tab-pending" class="columns">
    <${PendingList}
      reloadKey=${props.reloadKey + listKey}
      selected=${selected}
      onSelect=${(id: string) => {
        setSelected(id);
        setDetailKey((k) => k + 1);
      }}
    />
    <div id="detail" aria-live="polite">
      ${selected
        ? html`<${RequestDetail} id=${selected} reloadKey=${props.reloadKey + detailKey} onChanged=${() => setListKey((k) => k + 1)} />`
        : html`<p class="empty">Pick a request to see its context and decide.</p>`}
    </div>
  </section>`;
}
