import { html } from '../../html.ts';

/** The flow editor. */
export function FlowsView(_props: { reloadKey: number }) {
  return html`<section id="panel-flows" role="tabpanel" aria-labelledby="tab-flows" class="columns"><p class="empty">The flow editor is on its way.</p></section>`;
}
