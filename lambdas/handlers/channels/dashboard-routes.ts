import type { DashboardAssets } from '../../channels/dashboard/dashboard-assets.ts';
import { dashboardCsp, dashboardHtml, type DashboardAuth } from '../../channels/dashboard/dashboard-page.ts';
import type { Route } from '../api/routes.ts';
import { html } from '../http/responses.ts';

/** How the page signs in, and where its built browser code comes from (read or built once, on first use). */
export interface DashboardDeps {
  readonly auth: DashboardAuth;
  readonly assets: () => Promise<DashboardAssets>;
}

/** `GET /`: the dashboard page, public like any static page; its API calls carry the identity. */
export function dashboardRoutes(deps: DashboardDeps): Route[] {
  let page: Promise<{ body: string; csp: string }> | undefined;
  const render = async () => {
    const assets = await deps.assets();
    return { body: dashboardHtml(deps.auth, assets), csp: dashboardCsp(deps.auth, assets) };
  };
  return [
    {
      method: 'GET',
      path: '/',
      handler: async () => {
        page ??= render();
        page.catch(() => (page = undefined));
        const { body, csp } = await page;
        return html(200, body, { 'content-security-policy': csp });
      },
      doc: { summary: 'The approvals dashboard (a static page; its API calls carry the identity)', tags: ['channels'], responseType: 'text/html', public: true },
    },
  ];
}
