import type { AuthConfig } from './config.ts';

/** Who calls the API: a user and groups (local mode), or an id token's claims (Cognito). */
export interface Identity {
  readonly user: string;
  readonly groups: string;
  readonly token?: string;
}

const IDENTITY_KEY = 'hitl.identity';
export const TOKEN_KEY = 'hitl.idToken';

/** The signed-in identity, or null; an expired id token counts as signed out. */
export function currentIdentity(config: AuthConfig): Identity | null {
  if (config.kind === 'cognito') return identityFromToken(sessionStorage.getItem(TOKEN_KEY));
  try {
    const saved = JSON.parse(localStorage.getItem(IDENTITY_KEY) ?? 'null') as Partial<Identity> | null;
    return saved && typeof saved.user === 'string' && saved.user ? { user: saved.user, groups: typeof saved.groups === 'string' ? saved.groups : '' } : null;
  } catch {
    return null;
  }
}

/** Local mode: who the page says the caller is (the local server turns it into authorizer claims). */
export function rememberLocalIdentity(identity: Identity): void {
  localStorage.setItem(IDENTITY_KEY, JSON.stringify({ user: identity.user, groups: identity.groups }));
}

function identityFromToken(token: string | null): Identity | null {
  if (!token) return null;
  try {
    const payload = token.split('.')[1] ?? '';
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number; sub?: string; 'cognito:username'?: string; 'cognito:groups'?: string[] };
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) {
      sessionStorage.removeItem(TOKEN_KEY);
      return null;
    }
    return { user: claims['cognito:username'] ?? claims.sub ?? '', groups: (claims['cognito:groups'] ?? []).join(','), token };
  } catch {
    return null;
  }
}

/** The headers that carry the identity: a bearer id token, or local mode's x-user / x-groups. */
export function identityHeaders(identity: Identity | null): Record<string, string> {
  if (identity?.token) return { authorization: `Bearer ${identity.token}` };
  if (identity?.user) return { 'x-user': identity.user, 'x-groups': identity.groups };
  return {};
}
