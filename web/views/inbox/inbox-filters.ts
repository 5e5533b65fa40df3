import { useRef } from 'preact/hooks';
import type { ApprovalSummary } from '../../api/types.ts';
import { html } from '../../html.ts';
import { filterOptions, type InboxFilter } from './inbox-filter.ts';

function FilterSelect(props: { id: string; label: string; value: string; options: readonly string[]; onValue: (value: string) => void }) {
  return html`<label class="filter"
    >${props.label}
    <select id=${props.id} value=${props.value} onChange=${(e: Event) => props.onValue((e.currentTarget as HTMLSelectElement).value)}>
      <option value="">any</option>
      ${props.options.map((option) => html`<option value=${option}>${option}</option>`)}
    </select></label
  >`;
}

type Seen = { workflows: Set<string>; nodes: Set<string>; tools: Set<string> };

/**
 * The workflow, node and tool selects and the search box. The selects offer every value seen since
 * the inbox opened: once a workflow filter goes to the API, the loaded requests show only that one.
 */
export function InboxFilters(props: { items: readonly ApprovalSummary[]; filter: InboxFilter; onFilter: (filter: InboxFilter) => void }) {
  const { filter } = props;
  const seen = useRef<Seen>({ workflows: new Set(), nodes: new Set(), tools: new Set() });
  const fresh = filterOptions(props.items, filter);
  const options = Object.fromEntries(
    (Object.keys(seen.current) as (keyof Seen)[]).map((part) => {
      for (const value of fresh[part]) seen.current[part].add(value);
      return [part, [...seen.current[part]].sort()];
    }),
  ) as Record<keyof Seen, string[]>;
  const set = (part: Partial<InboxFilter>) => props.onFilter({ ...filter, ...part });
  return html`<div class="filters" role="search">
    <input id="inbox-search" type="search" placeholder="search id, tool, arguments, requester" aria-label="search pending requests" value=${filter.text} onInput=${(e: Event) => set({ text: (e.currentTarget as HTMLInputElement).value })} />
    <${FilterSelect} id="filter-workflow" label="Workflow" value=${filter.workflow} options=${options.workflows} onValue=${(workflow: string) => set({ workflow })} />
    <${FilterSelect} id="filter-node" label="Node" value=${filter.node} options=${options.nodes} onValue=${(node: string) => set({ node })} />
    <${FilterSelect} id="filter-tool" label="Tool" value=${filter.tool} options=${options.tools} onValue=${(tool: string) => set({ tool })} />
  </div>`;
}
