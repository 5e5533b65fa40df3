import { useState } from 'preact/hooks';
import type { AuthConfig } from '../auth/config.ts';
import { signInWithCognito, signOutOfCognito } from '../auth/cognito.ts';
import type { Identity } from '../auth/identity.ts';
import { html } from '../html.ts';

/**
 * Who is signed in. Locally a form names the user and groups (`#identity-form`); on AWS, Sign in
 * and Sign out go through the Cognito hosted UI.
 */
export function IdentityBar(props: { config: AuthConfig; identity: Identity | null; onLocalIdentity: (identity: Identity) => void; onSignedOut: () => void }) {
  const { config, identity } = props;
  const [user, setUser] = useState(identity?.user ?? '');
  const [groups, setGroups] = useState(identity?.groups ?? '');
  if (config.kind === 'cognito') {
    if (!identity) return html`<div id="identity"><button type="button" id="sign-in" onClick=${() => void signInWithCognito(config)}>Sign in</button></div>`;
    return html`<div id="identity">
      <span>Signed in as ${identity.user}${identity.groups ? ` (${identity.groups})` : ''}</span>
      <button type="button" id="sign-out" onClick=${() => {
        signOutOfCognito();
        props.onSignedOut();
      }}>Sign out</button>
    </div>`;
  }
  return html`<div id="identity">
    <form id="identity-form" onSubmit=${(event: Event) => {
      event.preventDefault();
      props.onLocalIdentity({ user: user.trim(), groups: groups.trim() });
    }}>
      <span class="identity-label">Signed in as</span>
      <input id="user" placeholder="user, e.g. bob" aria-label="user" autocomplete="off" value=${user} onInput=${(e: Event) => setUser((e.currentTarget as HTMLInputElement).value)} />
      <input id="groups" placeholder="groups, e.g. approvers" aria-label="groups" autocomplete="off" value=${groups} onInput=${(e: Event) => setGroups((e.currentTarget as HTMLInputElement).value)} />
      <button type="submit">Use</button>
    </form>
  </div>`;
}
