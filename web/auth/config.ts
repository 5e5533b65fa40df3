/** How the page signs people in, as the server wrote it on `<body>`. */
export type AuthConfig = { readonly kind: 'headers' } | { readonly kind: 'cognito'; readonly domain: string; readonly clientId: string };

export function readAuthConfig(body: HTMLElement): AuthConfig {
  if (body.dataset.auth === 'cognito') return { kind: 'cognito', domain: body.dataset.cognitoDomain ?? '', clientId: body.dataset.clientId ?? '' };
  return { kind: 'headers' };
}
