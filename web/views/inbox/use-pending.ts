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
 * 50 at a time. The list reloads every `?pollMs=` (15 s by default) while the tab is visible: one
 * bounded page query per page shown, so pages opened with "More" stay open, fresh, and without gaps
 * (each reloaded page starts where the reloaded page before it ends, not at a cursor from before).
 */
export function usePending(filter: InboxFilter, reloadKey: number): Pending {
  const { api, fail } = useApp();
  const [items, setItems] = useState<readonly ApprovalSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  // Answers to an older filter arrive late sometimes; only the newest one is shown.
  const generation = useRef(0);
  const pagesShown = useRef(1);

  const pages = async (from: string | null, count: number): Promise<{ items: ApprovalSummary[]; next: string | null; loaded: number }> => {
    const loaded: ApprovalSummary[] = [];
    let next = from;
    let pagesLoaded = 0;
    do {
      const page = await api<ApprovalPage>('GET', pendingPath(filter, next));
      loaded.push(...page.items);
      next = page.nextCursor ?? null;
      pagesLoaded++;
    } while (next && pagesLoaded < count);
    return { items: loaded, next, loaded: pagesLoaded };
  };

  const reload = async () => {
    const mine = generation.current;
    const wanted = pagesShown.current;
    const fresh = await pages(null, wanted);
    // A filter changed, or "More" opened a page meanwhile: the next reload shows that state.
    if (mine !== generation.current || wanted !== pagesShown.current) return;
    pagesShown.current = fresh.loaded;
    setItems(fresh.items);
    setCursor(fresh.next);
    setUpdatedAt(new Date());
  };

  const more = async (after: string) => {
    const mine = generation.current;
    const page = await pages(after, 1);
    if (mine !== generation.current) return;
    pagesShown.current++;
    setItems((before) => {
      const known = new Set((before ?? []).map((item) => item.id));
      return [...(before ?? []), ...page.items.filter((item) => !known.has(item.id))];
    });
    setCursor(page.next);
    setUpdatedAt(new Date());
  };

  useEffect(() => {
    generation.current++;
    pagesShown.current = 1;
    reload().catch(fail);
    const timer = setInterval(() => {
      if (!document.hidden) reload().catch(() => undefined);
    }, pollIntervalOf(location.search));
    return () => clearInterval(timer);
  }, [reloadKey, filter.workflow, filter.node]);

  return { items, updatedAt, loadMore: cursor ? () => void more(cursor).catch(fail) : null };
}
