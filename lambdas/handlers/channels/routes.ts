import type { DecisionLinkDeps } from '../../channels/email/decision-link.ts';
import type { Route } from '../api/routes.ts';
import { dashboardRoutes, type DashboardDeps } from './dashboard-routes.ts';
import { linkRoutes } from './link-routes.ts';
import { slackRoutes, type SlackRouteDeps } from './slack-routes.ts';

/** What the channel routes need; a channel left out has no routes (its URLs answer 404). */
export interface ChannelRouteDeps {
  readonly dashboard: DashboardDeps;
  readonly links?: DecisionLinkDeps;
  readonly slack?: SlackRouteDeps;
}

/** The channel routes: `GET /` (dashboard), `ANY /links/{token}` (email links: GET shows, POST decides), `POST /slack/interactions`. */
export function channelRoutes(deps: ChannelRouteDeps): Route[] {
  return [
    ...dashboardRoutes(deps.dashboard),
    ...(deps.links ? linkRoutes(deps.links) : []),
    ...(deps.slack ? slackRoutes(deps.slack) : []),
  ];
}
