import { useEffect, useState } from 'preact/hooks';
import { ApiError, segment, type Issue } from '../../api/client.ts';
import { useApp } from '../../app-context.ts';
import { Field, FieldIssues } from '../../components/field.ts';
import { when } from '../../format.ts';
import { html } from '../../html.ts';
import { placeIssues } from '../hitl/hitl-model.ts';
import { defaultWindow, fromLocalInput, looksLikeAdmin, type Delegation } from './delegation-model.ts';

const FIELD_PATHS = ['userId', 'delegate', 'from', 'until'];

/** Out of office: who may decide in the signed-in user's place (or, for admins, another user's) and until when. */
export function DelegationView(props: { reloadKey: number }) {
  const { api, identity, show, fail, confirm } = useApp();
  const me = identity?.user ?? '';
  const admin = looksLikeAdmin(identity?.groups ?? '');
  const [forUser, setForUser] = useState(me);
  const [current, setCurrent] = useState<Delegation | null | undefined>(undefined);
  const [loadKey, setLoadKey] = useState(0);
  const [delegate, setDelegate] = useState('');
  const [span, setSpan] = useState(() => defaultWindow(new Date()));
  const [issues, setIssues] = useState<readonly Issue[]>([]);
  const owner = forUser.trim() || me;

  useEffect(() => {
    let live = true;
    setCurrent(undefined);
    api<Delegation>('GET', `delegations/${segment(owner)}`)
      .then((found) => live && setCurrent(found))
      .catch((error: unknown) => {
        if (!live) return;
        setCurrent(null);
        if (!(error instanceof ApiError && error.status === 404)) fail(error);
      });
    return () => {
      live = false;
    };
  }, [owner, props.reloadKey, loadKey]);

  const save = async () => {
    show('Saving…');
    try {
      const saved = await api<Delegation>('PUT', `delegations/${segment(owner)}`, { delegate: delegate.trim(), from: fromLocalInput(span.from), until: fromLocalInput(span.until) });
      setIssues([]);
      show(`${saved.delegate} may decide for ${owner} until ${when(saved.until)}.`);
      setLoadKey((k) => k + 1);
    } catch (error) {
      const found = error instanceof ApiError ? error.issues : [];
      setIssues(found);
      show(found.length ? `${(error as Error).message} (shown next to the fields)` : (error as Error).message, true);
    }
  };

  const end = async () => {
    if (!current) return;
    const confirmed = await confirm({ title: 'End the delegation', message: `${current.delegate} will no longer decide for ${owner}.`, confirmLabel: 'End delegation' });
    if (!confirmed) return;
    try {
      await api('DELETE', `delegations/${segment(owner)}`);
      show(`The delegation of ${owner} has ended.`);
      setLoadKey((k) => k + 1);
    } catch (error) {
      fail(error);
      setLoadKey((k) => k + 1);
    }
  };

  const placed = placeIssues(issues, admin ? FIELD_PATHS : FIELD_PATHS.slice(1));
  const text = (set: (value: string) => void) => (event: Event) => set((event.currentTarget as HTMLInputElement).value);

  return html`<section id="panel-delegation" role="tabpanel" aria-labelledby="tab-delegation">
    <h2>Out of office</h2>
    <p>While you are away, a delegate may decide the requests you may decide; each such decision is recorded as made on your behalf.</p>
    <div id="delegation-current" aria-live="polite">
      ${current === undefined
        ? html`<p class="empty">Loading…</p>`
        : current === null
          ? html`<p class="empty">${owner === me ? 'You have' : `${owner} has`} no delegate.</p>`
          : html`<p>
              <strong>${current.delegate}</strong> decides for ${owner} from ${when(current.from)} until ${when(current.until)} (set by ${current.setBy}).
            </p>
            <div class="actions"><button type="button" id="delegation-end" class="danger" onClick=${() => void end()}>End delegation</button></div>`}
    </div>
    <h3>${current ? 'Replace the delegation' : 'Name a delegate'}</h3>
    <ul id="delegation-errors" class="error">
      ${placed.unplaced.map((issue) => html`<li data-issue-path=${issue.path}>${issue.path}: ${issue.message}</li>`)}
    </ul>
    <${FieldIssues.Provider} value=${placed.byField}>
      <form id="delegation-form" novalidate onSubmit=${(event: Event) => {
        event.preventDefault();
        void save();
      }}>
        <div class="grid">
          ${admin &&
          html`<${Field} path="userId" label="For user" for="delegation-user" hint="Empty: yourself">
            <input id="delegation-user" autocomplete="off" value=${forUser} onChange=${text(setForUser)} />
          <//>`}
          <${Field} path="delegate" label="Delegate (user id)" for="delegation-delegate">
            <input id="delegation-delegate" autocomplete="off" required value=${delegate} onInput=${text(setDelegate)} />
          <//>
          <${Field} path="from" label="From" for="delegation-from">
            <input id="delegation-from" type="datetime-local" value=${span.from} onInput=${text((from) => setSpan((w) => ({ ...w, from })))} />
          <//>
          <${Field} path="until" label="Until" for="delegation-until">
            <input id="delegation-until" type="datetime-local" value=${span.until} onInput=${text((until) => setSpan((w) => ({ ...w, until })))} />
          <//>
        </div>
        <div class="actions"><button type="submit" id="delegation-save" class="primary">Save delegation</button></div>
      </form>
    <//>
  </section>`;
}
