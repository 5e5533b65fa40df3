import { useMemo, useRef, useState } from 'preact/hooks';
import { createApi } from './api/client.ts';
import { AppContext, type AppServices } from './app-context.ts';
import type { AuthConfig } from './auth/config.ts';
import { currentIdentity, rememberLocalIdentity, type Identity } from './auth/identity.ts';
import { ConfirmDialog, type ConfirmRequest } from './components/confirm-dialog.ts';
import { IdentityBar } from './components/identity-bar.ts';
import { StatusLine, type Status } from './components/status-line.ts';
import { Tabs, type Tab } from './components/tabs.ts';
import { html } from './html.ts';
import { useRoute } from './navigation.ts';
import { AuditView } from './views/audit/audit-view.ts';
import { DelegationView } from './views/delegation/delegation-view.ts';
import { ExecutionView } from './views/executions/execution-view.ts';
import { FlowsView } from './views/flows/flows-view.ts';
import { GatesView } from './views/gates/gates-view.ts';
import { HistoryView } from './views/history/history-view.ts';
import { InboxView } from './views/inbox/inbox-view.ts';
import { RequestDetail } from './views/inbox/request-detail.ts';
import { StatsView } from './views/stats/stats-view.ts';
import { ToolsView } from './views/tools/tools-view.ts';

type TabId = 'pending' | 'history' | 'audit' | 'stats' | 'flows' | 'gates' | 'tools' | 'delegation';

const TABS: readonly Tab<TabId>[] = [
  { id: 'pending', label: 'Pending' },
  { id: 'history', label: 'History' },
  { id: 'audit', label: 'Audit' },
  { id: 'stats', label: 'Stats' },
  { id: 'flows', label: 'Flows' },
  { id: 'gates', label: 'Gates' },
  { id: 'tools', label: 'Tools' },
  { id: 'delegation', label: 'Out of office' },
];

const VIEWS = { pending: InboxView, history: HistoryView, audit: AuditView, stats: StatsView, flows: FlowsView, gates: GatesView, tools: ToolsView, delegation: DelegationView } as const;

/** The dashboard: who is signed in, the tabs, the status line and the open view. */
export function App(props: { config: AuthConfig; initialStatus?: Status }) {
  const [identity, setIdentity] = useState<Identity | null>(() => currentIdentity(props.config));
  const [tab, setTab] = useState<TabId>('pending');
  const [status, setStatus] = useState<Status>(props.initialStatus ?? { message: '', isError: false });
  // Bumped by Refresh and by a change of identity: the open view loads again.
  const [reloadKey, setReloadKey] = useState(0);
  const [question, setQuestion] = useState<{ request: ConfirmRequest; answer: (confirmed: boolean) => void } | null>(null);
  const identityNow = useRef(identity);
  identityNow.current = identity;

  // Made once: the client reads the identity on each call, so signing in needs no new client.
  const services = useMemo<Omit<AppServices, 'identity'>>(() => {
    const show = (message: string, isError = false) => setStatus({ message, isError });
    return {
      api: createApi(() => identityNow.current),
      show,
      fail: (error: unknown) => show(error instanceof Error ? error.message : String(error), true),
      confirm: (request) => new Promise<boolean>((answer) => setQuestion({ request, answer })),
    };
  }, []);
  const context = useMemo<AppServices>(() => ({ ...services, identity }), [services, identity]);

  const changeIdentity = (next: Identity | null) => {
    if (next) rememberLocalIdentity(next);
    setIdentity(next ?? currentIdentity(props.config));
    if (next) services.show(`Signed in as ${next.user}`);
    setReloadKey((k) => k + 1);
  };
  const route = useRoute();
  const View = VIEWS[tab];
  const signInHint = props.config.kind === 'cognito' ? 'Sign in to see approvals.' : 'Enter who you are (user and groups) to see approvals.';

  return html`<${AppContext.Provider} value=${context}>
    <header>
      <h1>HITL approvals</h1>
      <${IdentityBar} config=${props.config} identity=${identity} onLocalIdentity=${changeIdentity} onSignedOut=${() => changeIdentity(null)} />
    </header>
    <${Tabs} tabs=${TABS} selected=${route ? null : tab} onSelect=${(id: TabId) => {
      setTab(id);
      if (location.hash) location.hash = '';
      setReloadKey((k) => k + 1);
    }}>
      <button type="button" id="refresh" onClick=${() => setReloadKey((k) => k + 1)}>Refresh</button>
    <//>
    <main>
      <${StatusLine} status=${identity ? status : { message: status.isError ? status.message : signInHint, isError: status.isError }} />
      ${identity &&
      (route
        ? html`<p><a href="#" id="back-to-list">Back to the list</a></p>
            ${route.kind === 'execution'
              ? html`<${ExecutionView} key=${`execution:${route.id}:${identity.user}`} id=${route.id} reloadKey=${reloadKey} />`
              : html`<${RequestDetail} key=${`request:${route.id}:${identity.user}`} id=${route.id} reloadKey=${reloadKey} onChanged=${() => setReloadKey((k) => k + 1)} />`}`
        : html`<${View} key=${`${tab}:${identity.user}`} reloadKey=${reloadKey} />`)}
    </main>
    <${ConfirmDialog}
      request=${question?.request ?? null}
      onAnswer=${(confirmed: boolean) => {
        question?.answer(confirmed);
        setQuestion(null);
      }}
    />
  <//>`;
}
