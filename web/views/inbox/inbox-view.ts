import { useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../../html.ts';
import { BatchBar } from './batch-bar.ts';
import { InboxCommands, type CommandSlot } from './inbox-commands.ts';
import { filterItems, NO_FILTER, type InboxFilter } from './inbox-filter.ts';
import { InboxFilters } from './inbox-filters.ts';
import { PendingList } from './pending-list.ts';
import { RequestDetail } from './request-detail.ts';
import { moveSelection, type InboxCommand } from './shortcuts.ts';
import { ShortcutsDialog } from './shortcuts-dialog.ts';
import { usePending } from './use-pending.ts';
import { useShortcuts } from './use-shortcuts.ts';

/**
 * The approver's inbox: filters and search, the batch bar and the pending list beside the request
 * picked from it (or named by `?request=` in the page's address, as the links in notifications do).
 * The open request, the filters and the batch selection are kept by id across the live refresh.
 */
export function InboxView(props: { reloadKey: number }) {
  const [selected, setSelected] = useState<string | null>(() => new URLSearchParams(location.search).get('request'));
  const [filter, setFilter] = useState<InboxFilter>(NO_FILTER);
  const [batch, setBatch] = useState<ReadonlySet<string>>(new Set());
  const [help, setHelp] = useState(false);
  // Picking the shown request again reloads it; a decision reloads the list.
  const [detailKey, setDetailKey] = useState(0);
  const [listKey, setListKey] = useState(0);
  const commands = useRef<CommandSlot['current']>(null);
  const slot = useMemo<CommandSlot>(() => commands, []);

  const pending = usePending(filter, props.reloadKey + listKey);
  const visible = useMemo(() => (pending.items ? filterItems(pending.items, filter) : null), [pending.items, filter]);
  const decidable = (visible ?? []).filter((item) => item.canDecide).map((item) => item.id);
  // Checked requests that were decided meanwhile, or are filtered out, leave the batch.
  const batchShown = new Set([...batch].filter((id) => decidable.includes(id)));

  const open = (id: string) => {
    setSelected(id);
    setDetailKey((k) => k + 1);
  };
  const check = (id: string, checked: boolean) => {
    const next = new Set(batchShown);
    if (checked) next.add(id);
    else next.delete(id);
    setBatch(next);
  };

  useShortcuts((command: InboxCommand) => {
    const ids = (visible ?? []).map((item) => item.id);
    if (command === 'next' || command === 'previous') {
      const next = moveSelection(ids, selected, command === 'next' ? 1 : -1);
      if (next && next !== selected) {
        open(next);
        document.querySelector<HTMLElement>(`button.item[data-id="${CSS.escape(next)}"]`)?.scrollIntoView({ block: 'nearest' });
      }
    } else if (command === 'help') setHelp(true);
    else if (command === 'toggle-batch') {
      if (selected && decidable.includes(selected)) check(selected, !batchShown.has(selected));
    } else if (command === 'approve') commands.current?.approve();
    else if (command === 'reject') commands.current?.armReject();
    else if (command === 'edit') commands.current?.editArgs();
  });

  return html`<${InboxCommands.Provider} value=${slot}>
    <section id="panel-pending" role="tabpanel" aria-labelledby="tab-pending" class="columns">
      <div class="pending">
        <${InboxFilters} items=${pending.items ?? []} filter=${filter} onFilter=${setFilter} />
        <${BatchBar} decidable=${decidable} selected=${batchShown} onSelect=${setBatch} onDecided=${() => setListKey((k) => k + 1)} />
        <${PendingList} items=${visible} filtered=${Object.values(filter).some(Boolean)} selected=${selected} batch=${batchShown} onSelect=${open} onCheck=${check} />
        ${pending.loadMore && html`<button type="button" id="pending-more" onClick=${pending.loadMore}>More</button>`}
        <p class="meta" id="inbox-updated">
          ${pending.updatedAt && `updated ${pending.updatedAt.toLocaleTimeString(undefined, { hour12: false })} · `}
          <button type="button" class="link" id="shortcuts-open" onClick=${() => setHelp(true)}>keyboard shortcuts (?)</button>
        </p>
      </div>
      <div id="detail" aria-live="polite">
        ${selected
          ? html`<${RequestDetail} id=${selected} reloadKey=${props.reloadKey + detailKey} onChanged=${() => setListKey((k) => k + 1)} />`
          : html`<p class="empty">Pick a request to see its context and decide (j and k move through the list).</p>`}
      </div>
    </section>
    <${ShortcutsDialog} open=${help} onClose=${() => setHelp(false)} />
  <//>`;
}
