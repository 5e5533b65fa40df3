import { TOKEN_KEY } from './identity.ts';

/** The Cognito hosted UI: authorization code with PKCE; the id token stays in this tab's session storage. */
export interface CognitoConfig {
  readonly domain: string;
  readonly clientId: string;
}

const VERIFIER_KEY = 'hitl.pkce';
const pageUrl = () => location.origin + location.pathname;

function randomString(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function base64url(buffer: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Sends the browser to the hosted UI; it comes back to this page with `?code=`. */
export async function signInWithCognito(config: CognitoConfig): Promise<void> {
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem(VERIFIER_KEY, JSON.stringify({ verifier, state }));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: pageUrl(),
    scope: 'openid email profile',
    state,
    code_challenge: base64url(digest),
    code_challenge_method: 'S256',
  });
  location.assign(`${config.domain}/oauth2/authorize?${query.toString()}`);
}

export function signOutOfCognito(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * On the way back from the hosted UI: trades the code for tokens and keeps the id token.
 * Resolves to an error message when sign-in failed, or null (also when there was nothing to finish).
 */
export async function finishCognitoSignIn(config: CognitoConfig): Promise<string | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) return null;
  const saved = JSON.parse(sessionStorage.getItem(VERIFIER_KEY) ?? '{}') as { verifier?: string; state?: string };
  history.replaceState(null, '', pageUrl());
  if (!saved.verifier || saved.state !== params.get('state')) return 'Sign-in failed: state mismatch. Try again.';
  sessionStorage.removeItem(VERIFIER_KEY);
  const form = new URLSearchParams({ grant_type: 'authorization_code', client_id: config.clientId, code, redirect_uri: pageUrl(), code_verifier: saved.verifier });
  const response = await fetch(`${config.domain}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const tokens = (await response.json()) as { id_token?: string; error?: string };
  if (!tokens.id_token) return `Sign-in failed: ${tokens.error ?? 'no token'}`;
  sessionStorage.setItem(TOKEN_KEY, tokens.id_token);
  return null;
}
