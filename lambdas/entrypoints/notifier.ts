import middy from '@middy/core';
import { logger } from '../handlers/logger.ts';

/**
 * Placeholder for the notification channels (email, Slack): the gate records its notify events in the
 * request history; this function will send them once the channels are built.
 */
export const handler = middy().handler(async () => {
  logger.info('no notification channel configured');
  return { sent: 0 };
});
