import { createHash } from 'node:crypto';
import { escapeHtml } from '../html.ts';
import type { DashboardAssets } from './dashboard-assets.ts';

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** How the page signs people in: local x-user / x-groups, or the Cognito hosted UI on AWS. */
export type DashboardAuth = { readonly kind: 'headers' } | { readonly kind: 'cognito'; readonly domain: string; readonly clientId: string };

/**
 * The page's Content-Security-Policy: its one inline script and style are allowed by hash (no
 * 'unsafe-inline'), API calls go to the same origin, and, with Cognito, token exchange to the
 * hosted UI domain only.
 */
export function dashboardCsp(auth: DashboardAuth, assets: DashboardAssets): string {
  const connect = auth.kind === 'cognito' ? `'self' ${new URL(auth.domain).origin}` : `'self'`;
  return [
    "default-src 'none'",
    `script-src ${hash(assets.script)}`,
    `style-src ${hash(assets.style)}`,
    `connect-src ${connect}`,
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The approvals dashboard: a static shell around the browser code built from `web/` (pending
 * requests, history, audit, statistics, the flow editor). Everything it shows comes from the REST
 * API, called with the signed-in identity; the body's data attributes say how to sign in.
 */
export function dashboardHtml(auth: DashboardAuth, assets: DashboardAssets): string {
  // The build escapes "</script" and "</style" inside the code; a failed escape must not reach a page.
  if (/<\/script/i.test(assets.script) || /<\/style/i.test(assets.style)) throw new Error('the dashboard assets close their own element');
  const authAttributes =
    auth.kind === 'cognito'
      ? `data-auth="cognito" data-cognito-domain="${escapeHtml(auth.domain)}" data-client-id="${escapeHtml(auth.clientId)}"`
      : 'data-auth="headers"';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><link rel="icon" href="data:,"><title>HITL approvals</title>
<style>${assets.style}</style></head>
<body ${authAttributes}>
<div id="app"><noscript>The approvals dashboard needs JavaScript.</noscript></div>
<script>${assets.script}</script>
</body></html>
`;
}
