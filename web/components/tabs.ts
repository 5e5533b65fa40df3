import { html } from '../html.ts';

export interface Tab<Id extends string> {
  readonly id: Id;
  readonly label: string;
}

/** A row of tabs (`#tab-<id>`); the panel they control is `#panel-<id>`. */
export function Tabs<Id extends string>(props: { tabs: readonly Tab<Id>[]; selected: Id; onSelect: (id: Id) => void; children?: unknown }) {
  return html`<nav>
    <div role="tablist" class="tabs">
      ${props.tabs.map(
        (tab) =>
          html`<button type="button" role="tab" id=${`tab-${tab.id}`} aria-controls=${`panel-${tab.id}`} aria-selected=${String(tab.id === props.selected)} onClick=${() => props.onSelect(tab.id)}>
            ${tab.label}
          </button>`,
      )}
    </div>
    ${props.children}
  </nav>`;
}
