import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApprovalPage, ApprovalSummary } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { pendingPath, type InboxFilter } from './inbox-filter.ts';
import { pollIntervalOf } from './poll-interval.ts';

export interface Pending {
  readonly items: readonly ApprovalSummary[] | null;
  /** When the list last came back from the API. */
  readonly updatedAt: Date | null;
  readonly loadMore: (() => void) | null;
}

/**
 * The pending requests the caller may read (`GET /approvals`, with the workflow and node filters),
 * 50 at a time. The first page reloads every `?pollMs=` (15 s by default) while the tab is visible:
 * one bounded page query per poll, whatever the size of the table.
 */
export function usePending(filter: InboxFilter, reloadKey: number): Pending {
  const { api, fail } = useApp();
  const [items, setItems] = useState<readonly ApprovalSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  // Answers to an older filter arrive late sometimes; only the newest one is shown.
  const generation = useRef(0);

  const load = async (after: string | null) => {
    const mine = generation.current;
    const page = await api<ApprovalPage>('GET', pendingPath(filter, after));
    if (mine !== generation.current) return;
    setItems((before) => (after ? [...(before ?? []), ...page.items] : page.items));
    setCursor(page.nextCursor ?? null);
    setUpdatedAt(new Date());
  };

  useEffect(() => {
    generation.current++;
    load(null).catch(fail);
    const timer = setInterval(() => {
      if (!document.hidden) load(null).catch(() => undefined);
    }, pollIntervalOf(location.search));
    return () => clearInterval(timer);
  }, [reloadKey, filter.workflow, filter.node]);

  return { items, updatedAt, loadMore: cursor ? () => void load(cursor).catch(fail) : null };
}
