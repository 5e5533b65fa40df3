import { useEffect, useState } from 'preact/hooks';
import { ApiError, segment } from '../../api/client.ts';
import type { Gate, GateDetail, GateRevision, GateRevisionPage } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { DataTable } from '../../components/data-table.ts';
import { Field, FieldIssues, TextInput } from '../../components/field.ts';
import { plural, when } from '../../format.ts';
import { html } from '../../html.ts';
import { HitlFields } from '../hitl/hitl-fields.ts';
import { useDraftEditing } from '../hitl/draft-editing.ts';
import { copy, hitlFieldPaths, MODES, placeIssues } from '../hitl/hitl-model.ts';

// A gate always waits for a person: the API refuses the other modes.
const GATE_MODES = MODES.filter(([mode]) => mode === 'blocking' || mode === 'confirm_tools');

interface Loaded {
  readonly gate: Gate;
  readonly revision: number | undefined;
  /** null: the gates are the files (no revisions stored), or the caller may not list them. */
  readonly revisions: readonly GateRevision[] | null;
}

/** One gate's settings, saved as its next revision (admins); the next request at the gate applies them. */
export function GateEditor(props: { gateId: string; onSaved: () => void }) {
  const { api, show, fail } = useApp();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [draft, setDraft] = useState<Gate | null>(null);
  const [loadKey, setLoadKey] = useState(0);
  const [formVersion, setFormVersion] = useState(0);
  const [dirty, setDirty] = useState(false);
  const { editing, issues, localIssues, setLocalIssues, setServerIssues } = useDraftEditing(() => setDirty(true));
  const path = `gates/${segment(props.gateId)}`;

  useEffect(() => {
    let current = true;
    Promise.all([
      api<GateDetail>('GET', path),
      api<GateRevisionPage>('GET', `${path}/revisions`).then(
        (page) => page.items,
        (error: unknown) => {
          if (error instanceof ApiError && error.status < 500) return null;
          throw error;
        },
      ),
    ])
      .then(([detail, revisions]) => {
        if (!current) return;
        setLoaded({ gate: detail.gate, revision: detail.revision, revisions });
        setDraft(copy(detail.gate));
        setServerIssues([]);
        setLocalIssues(new Map());
        setDirty(false);
        setFormVersion((v) => v + 1);
      })
      .catch((error: unknown) => current && fail(error));
    return () => {
      current = false;
    };
  }, [props.gateId, loadKey]);

  if (!loaded || !draft) return html`<p>Loading ${props.gateId}…</p>`;
  const placed = placeIssues(issues, ['name', 'description', ...hitlFieldPaths('hitl', draft.hitl)]);

  const save = async () => {
    if (localIssues.size > 0) return show('Fix the highlighted fields first.', true);
    show('Saving…');
    try {
      const saved = await api<GateRevision>('PUT', path, draft);
      show(`Saved revision ${saved.revision} of ${saved.gateId}. The next request at the gate applies it.`);
      setLoadKey((k) => k + 1);
      props.onSaved();
    } catch (error) {
      const found = error instanceof ApiError ? error.issues : [];
      setServerIssues(found);
      const message = (error as Error).message;
      show(found.length ? `${message} (${plural(found.length, 'problem')}, shown next to the fields)` : message, true);
    }
  };

  return html`<h2>${loaded.gate.name} (${loaded.gate.id})</h2>
    <p class="meta" id="gate-meta">${loaded.revision === undefined ? 'From its file' : `Revision ${loaded.revision}`} · agents ask it with POST /gates/${loaded.gate.id}/requests</p>
    <ul id="gate-errors" class="error">
      ${placed.unplaced.map((issue) => html`<li data-issue-path=${issue.path}>${issue.path}: ${issue.message}</li>`)}
    </ul>
    <${FieldIssues.Provider} value=${placed.byField}>
      <form id="gate-form" key=${formVersion} novalidate onSubmit=${(event: Event) => event.preventDefault()}>
        <div class="grid">
          <${Field} path="name" label="Name" for="gate-name">
            <${TextInput} id="gate-name" initial=${draft.name} onText=${(v: string) => editing.edit(() => (draft.name = v))} />
          <//>
          <${Field} path="description" label="Description" for="gate-description">
            <${TextInput} id="gate-description" initial=${draft.description} onText=${(v: string) => editing.edit(() => (v.trim() ? (draft.description = v) : delete draft.description))} />
          <//>
        </div>
        <${HitlFields} hitl=${draft.hitl} base="hitl" editing=${editing} modes=${GATE_MODES} />
      </form>
    <//>
    <div class="actions">
      <button type="button" id="gate-save" class="primary" onClick=${() => void save()}>Save revision</button>
      <button type="button" id="gate-discard" onClick=${() => setLoadKey((k) => k + 1)}>Discard changes</button>
      <span class="dirty">${dirty ? 'Unsaved changes' : ''}</span>
    </div>
    <h3>Revisions</h3>
    <div id="gate-revisions">
      ${loaded.revisions === null
        ? html`<p class="empty">No stored revisions to show.</p>`
        : html`<${DataTable} label="gate revisions" columns=${['Revision', 'Saved', 'By', 'Source']} rows=${loaded.revisions.map((r) => [r.revision, when(r.savedAt), r.savedBy, r.source])} />`}
    </div>`;
}
