import { useEffect, useState } from 'preact/hooks';
import { ApiError, segment } from '../../api/client.ts';
import type { CheckFlowResult, DeployResult, FlowDetail, FlowRevision, FlowRevisionPage, SaveFlowResult, ToolSpec } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { plural, when } from '../../format.ts';
import { html } from '../../html.ts';
import { FieldIssues } from '../../components/field.ts';
import { FlowGraph } from './flow-graph.ts';
import { useDraftEditing } from '../hitl/draft-editing.ts';
import { copy, MODES, placeIssues } from '../hitl/hitl-model.ts';
import { fieldPaths, nodesWithIssues, ordered, type Flow } from './flow-model.ts';
import { NodeForm } from './node-form.ts';
import { RevisionsTable } from './revisions-table.ts';

interface Loaded {
  readonly detail: FlowDetail;
  /** null: the caller is no admin and sees no revision history. */
  readonly revisions: readonly FlowRevision[] | null;
}

/**
 * One flow: its graph, the selected node's HITL settings, Check / Save / Deploy, and its revisions.
 * The server's zod schemas are the authority: a 400's issues show next to the fields their paths name.
 */
export function FlowEditor(props: { flowId: string; tools: readonly ToolSpec[]; onDirty: (dirty: boolean) => void; onSaved: () => void }) {
  const { api, show, fail, confirm } = useApp();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadKey, setLoadKey] = useState(0);
  const [draft, setDraft] = useState<Flow | null>(null);
  const [node, setNode] = useState(0);
  const [dirty, setDirtyState] = useState(false);
  // Bumped whenever the draft is replaced, so the form's inputs start again from it.
  const [formVersion, setFormVersion] = useState(0);
  const path = `flows/${segment(props.flowId)}`;

  const setDirty = (value: boolean) => {
    setDirtyState(value);
    props.onDirty(value);
  };
  const { editing, issues, localIssues, setLocalIssues, setServerIssues } = useDraftEditing(() => setDirty(true));

  useEffect(() => {
    let current = true;
    Promise.all([
      api<FlowDetail>('GET', path),
      api<FlowRevisionPage>('GET', `${path}/revisions?limit=20`).then(
        (page) => page.items,
        (error: unknown) => {
          if (error instanceof ApiError && error.status === 403) return null;
          throw error;
        },
      ),
    ])
      .then(([detail, revisions]) => {
        if (!current) return;
        const flow = copy(detail.current.flow);
        setLoaded({ detail, revisions });
        setDraft(flow);
        setNode((before) => (loadKey > 0 && before < flow.nodes.length ? before : (ordered(flow)[0] ?? 0)));
        setServerIssues([]);
        setLocalIssues(new Map());
        setDirty(false);
        setFormVersion((v) => v + 1);
      })
      .catch((error: unknown) => current && fail(error));
    return () => {
      current = false;
    };
  }, [props.flowId, loadKey]);

  if (!loaded || !draft) return html`<p>Loading ${props.flowId}…</p>`;
  const { detail, revisions } = loaded;

  const placed = placeIssues(issues, fieldPaths(draft, node));
  const body = () => ({ ...copy(draft), revision: detail.currentRevision });
  const blockedLocally = () => {
    if (localIssues.size > 0) show('Fix the highlighted fields first.', true);
    return localIssues.size > 0;
  };
  const refused = (error: unknown) => {
    const found = error instanceof ApiError ? error.issues : [];
    setServerIssues(found);
    const message = (error as Error).message;
    show(found.length ? `${message} (${plural(found.length, 'problem')}, shown next to the fields)` : message, true);
  };

  const check = async () => {
    if (blockedLocally()) return;
    try {
      const result = await api<CheckFlowResult>('PUT', `${path}?dryRun=true`, body());
      setServerIssues([]);
      show(`Valid. Saving would change ${plural(result.diff.length, 'path')}.`);
    } catch (error) {
      refused(error);
    }
  };
  const save = async () => {
    if (blockedLocally()) return;
    show('Saving…');
    try {
      const result = await api<SaveFlowResult>('PUT', path, body());
      setDirty(false);
      show(result.created ? `Saved revision ${result.revision.revision}. Deploy it to use it for new executions.` : `Nothing changed; revision ${result.revision.revision} stays current.`);
      setLoadKey((k) => k + 1);
      props.onSaved();
    } catch (error) {
      refused(error);
    }
  };
  const deploy = async (revision: number) => {
    const deployed = detail.deployment?.revision ?? null;
    const rollback = deployed !== null && revision < deployed;
    const ok = await confirm({
      title: rollback ? `Roll back to revision ${revision}?` : `Deploy revision ${revision}?`,
      message: `New executions of ${detail.flowId} use revision ${revision}; running ones finish on theirs.${dirty ? ' Your unsaved changes stay unsaved.' : ''}`,
      confirmLabel: rollback ? `Roll back to revision ${revision}` : `Deploy revision ${revision}`,
    });
    if (!ok) return;
    show(`Deploying revision ${revision}…`);
    try {
      const result = await api<DeployResult>('POST', `${path}/deploy`, { revisionId: String(revision) });
      show(`${result.rolledBack ? 'Rolled back to revision ' : 'Deployed revision '}${result.deployment.revision}. New executions use it; running ones finish on theirs.`);
      setLoadKey((k) => k + 1);
      props.onSaved();
    } catch (error) {
      fail(error);
    }
  };
  const discard = async () => {
    if (dirty && !(await confirm({ title: 'Discard your changes?', message: `Your unsaved changes to ${detail.flowId} are lost.`, confirmLabel: 'Discard changes' }))) return;
    setLoadKey((k) => k + 1);
  };

  return html`<h2>${detail.name} (${detail.flowId})</h2>
    <p class="meta" id="flow-meta">
      Current revision ${detail.currentRevision}, saved by ${detail.current.savedBy} at ${when(detail.current.savedAt)} ·
      ${detail.deployment ? ` deployed revision ${detail.deployment.revision} by ${detail.deployment.deployedBy} at ${when(detail.deployment.deployedAt)}` : ' not deployed'}
    </p>
    <div class="legend">${MODES.map(([mode]) => html`<span class=${`badge mode-${mode}`}>${mode}</span>`)}</div>
    <${FlowGraph} flow=${draft} selected=${node} invalid=${nodesWithIssues(issues)} onSelect=${setNode} />
    <ul id="flow-errors" class="error">
      ${placed.unplaced.map((issue) => {
        const match = /^nodes\.(\d+)(\.|$)/.exec(issue.path);
        const where = match && draft.nodes[Number(match[1])] ? `node ${draft.nodes[Number(match[1])]!.id}: ` : '';
        return html`<li data-issue-path=${issue.path}>${where}${issue.path}: ${issue.message}</li>`;
      })}
    </ul>
    <${FieldIssues.Provider} value=${placed.byField}>
      <${NodeForm} key=${`${node}:${formVersion}`} draft=${draft} index=${node} tools=${props.tools} editing=${editing} />
    <//>
    <div class="actions">
      <button type="button" id="flow-validate" onClick=${() => void check()}>Check</button>
      <button type="button" id="flow-save" class="primary" onClick=${() => void save()}>Save revision</button>
      <button type="button" id="flow-deploy" class="approve" onClick=${() => void deploy(detail.currentRevision)}>Deploy revision ${detail.currentRevision}</button>
      <button type="button" id="flow-discard" onClick=${() => void discard()}>Discard changes</button>
      <span id="flow-dirty" class="dirty">${dirty ? 'Unsaved changes' : ''}</span>
    </div>
    <${RevisionsTable} revisions=${revisions} deployed=${detail.deployment?.revision ?? null} onDeploy=${(revision: number) => void deploy(revision)} />`;
}
