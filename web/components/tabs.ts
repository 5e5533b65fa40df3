import { html } from '../html.ts';

export interface Tab<Id extends string> {
  readonly id: Id;
  readonly label: string;
}

/** A row of tabs (`#tab-<id>`); the selected one controls the panel `#panel-<id>`. None is selected while a view opened by its address is shown. */
export function Tabs<Id extends string>(props: { tabs: readonly Tab<Id>[]; selected: Id | null; onSelect: (id: Id) => void; children?: unknown }) {
  return html`<nav>
    <div role="tablist" class="tabs">
      ${props.tabs.map(
        (tab) =>
          html`<button type="button" role="tab" id=${`tab-${tab.id}`} aria-controls=${tab.id === props.selected ? `panel-${tab.id}` : undefined} aria-selected=${String(tab.id === props.selected)} onClick=${() => props.onSelect(tab.id)}>
            ${tab.label}
          </button>`,
      )}
    </div>
    ${props.children}
  </nav>`;
}
