import { dashboardCsp, dashboardHtml, type DashboardAuth } from '../../channels/dashboard/dashboard-page.ts';
import type { Route } from '../api/routes.ts';
import { html } from '../http/responses.ts';

/** `GET /`: the dashboard page, public like any static page; its API calls carry the identity. */
export function dashboardRoutes(auth: DashboardAuth): Route[] {
  const body = dashboardHtml(auth);
  const csp = dashboardCsp(auth);
  return [
    {
      method: 'GET',
      path: '/',
      handler: async () => html(200, body, { 'content-security-policy': csp }),
      doc: { summary: 'The approvals dashboard (a static page; its API calls carry the identity)', tags: ['channels'], responseType: 'text/html', public: true },
    },
  ];
}
