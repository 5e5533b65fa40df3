import type { FlowRevision } from '../../api/types.ts';
import { when } from '../../format.ts';
import { html } from '../../html.ts';

function changesOf(revision: FlowRevision): string {
  if (revision.diff.length === 0) return revision.source === 'shipped' ? 'from the flow file' : 'no changes';
  const shown = revision.diff.slice(0, 4).map((c) => c.path + (c.op === 'changed' ? `: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}` : ` ${c.op}`));
  return shown.join('; ') + (revision.diff.length > 4 ? '; …' : '');
}

/** A flow's saved revisions (admins only): what each changed, and Deploy or Roll back to it. */
export function RevisionsTable(props: { revisions: readonly FlowRevision[] | null; deployed: number | null; onDeploy: (revision: number) => void }) {
  const { revisions, deployed } = props;
  return html`<h3>Revisions</h3>
    <div id="flow-revisions">
      ${revisions === null
        ? html`<p class="empty">Only admins see the revision history.</p>`
        : html`<div class="table-wrap" role="region" aria-label="revisions" tabindex="0">
            <table>
              <thead><tr>${['Revision', 'Saved', 'By', 'Changes', ''].map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
              <tbody>
                ${revisions.map(
                  (r) => html`<tr data-revision=${String(r.revision)}>
                    <td>${r.revision}</td>
                    <td>${when(r.savedAt)}</td>
                    <td>${r.savedBy}</td>
                    <td class="last">${changesOf(r)}</td>
                    <td>
                      ${r.revision === deployed
                        ? html`<strong>deployed</strong>`
                        : html`<button type="button" class="revision-deploy" data-revision=${String(r.revision)} onClick=${() => props.onDeploy(r.revision)}>
                            ${deployed !== null && r.revision < deployed ? 'Roll back to this' : 'Deploy'}
                          </button>`}
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`}
    </div>`;
}
