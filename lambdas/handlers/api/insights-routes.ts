import { StatsQuerySchema } from '#core/api-queries';
import { summarize } from '#core/decision-stats';
import { ValidationError } from '#core/errors';
import { assertAuditor } from '#core/read-access';
import { StatsResponseSchema, type StatsResponse } from '#core/stats-view';
import { parseOrThrow } from '#core/validation';
import type { AppDeps } from '../deps.ts';
import { identityOf } from '../http/identity.ts';
import { json } from '../http/responses.ts';
import { query, type Route } from './routes.ts';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 366;

/** GET /stats: per flow, node and tool, decision counts and time-to-decision percentiles. */
export function insightsRoutes(deps: AppDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/stats',
      doc: { summary: 'Decision counts and time-to-decision percentiles per flow, node and tool (admins and auditors)', tags: ['insights'], query: StatsQuerySchema, response: StatsResponseSchema, errors: ['Forbidden'] },
      handler: async (event) => {
        assertAuditor(identityOf(event), deps.access, 'decision statistics');
        const q = parseOrThrow(StatsQuerySchema, query(event), 'query');
        const to = q.to ? new Date(q.to) : deps.clock.now();
        const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
        if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
          throw new ValidationError(`a range of at most ${MAX_RANGE_DAYS} days`, [{ path: 'from', message: 'range too long' }]);
        }
        const reading = deps.stats ? await deps.stats.read(from, to) : { rows: [] };
        const body: StatsResponse = {
          from: from.toISOString(),
          to: to.toISOString(),
          note: 'secondsToDecision percentiles are the upper bounds of fixed histogram buckets',
          complete: reading.partialAfter === undefined,
          ...(reading.partialAfter !== undefined ? { asOf: reading.partialAfter } : {}),
          items: summarize(reading.rows),
        };
        return json(200, body);
      },
    },
  ];
}
