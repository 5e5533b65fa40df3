import middy from '@middy/core';
import { parseOrThrow } from '#core/validation';
import { NotifyEventSchema } from '../channels/dispatch/notify-event.ts';
import { notifyStoredRequest, type NotifyStoredOutcome } from '../channels/dispatch/notify-stored-request.ts';
import { loadLambdaConfig } from '../config.ts';
import { awsChannelNotifier } from '../handlers/channels/aws-wiring.ts';
import { logger } from '../handlers/logger.ts';
import { awsDeps } from './aws-deps.ts';

const config = loadLambdaConfig();
const deps = awsDeps();
const notifier = awsChannelNotifier(config, deps);

/**
 * The notifier function, invoked asynchronously by the gate (new request) and the sweeper
 * (escalation) with `{requestId, reason, level}`: emails (and posts to Slack for) the approvers of
 * the request's current level and records each channel's outcome in the request's history.
 */
export const handler = middy<unknown, { outcome: NotifyStoredOutcome }>().handler(async (event) => {
  const input = parseOrThrow(NotifyEventSchema, event, 'notify event');
  const outcome = await notifyStoredRequest({ ...deps, notifier }, input);
  logger.info('notify done', { requestId: input.requestId, reason: input.reason, outcome });
  return { outcome };
});
