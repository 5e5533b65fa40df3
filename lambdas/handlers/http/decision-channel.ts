import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod';
import { parseOrThrow } from '#core/validation';

/** The header the dashboard sends with its decisions, so they are recorded as its own. */
export const DECISION_CHANNEL_HEADER = 'x-hitl-channel';

/**
 * Which REST caller decided: `api` (the default) or `dashboard`. Only these two: a caller can mark
 * its own decision as made in the dashboard, never as arriving through a link, Slack or the workflow.
 */
export const ApiDecisionChannelSchema = z.enum(['api', 'dashboard']).default('api');
export type ApiDecisionChannel = z.infer<typeof ApiDecisionChannelSchema>;

/** The decision channel an API call names in its `x-hitl-channel` header; 400 naming the header for anything else. */
export function decisionChannelOf(event: Pick<APIGatewayProxyEvent, 'headers'>): ApiDecisionChannel {
  const wanted = DECISION_CHANNEL_HEADER;
  const value = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === wanted)?.[1] ?? undefined;
  return parseOrThrow(z.object({ [wanted]: ApiDecisionChannelSchema }), { [wanted]: value }, 'headers')[wanted];
}
