import middy from '@middy/core';
import { sweepExpired, type SweepOptions, type SweepReport } from '#usecases/sweep-expired';
import { finishSlackAction, SlackFollowUpSchema, type SlackFollowUpDeps, type SlackFollowUpReport } from '../channels/slack/slack-follow-up.ts';
import type { AppDeps } from './deps.ts';
import { logger } from './logger.ts';

/** What finishing Slack clicks needs besides the app's ports. */
export type SlackFollowUpOptions = Pick<SlackFollowUpDeps, 'post' | 'responseUrlPrefixes'>;

/**
 * The timeout sweeper, run every minute by EventBridge (its event carries nothing it needs). The API
 * function also invokes it, asynchronously, with a Slack click's follow-up (`kind: slack_follow_up`):
 * deliver the decision the click stored and update the Slack message, after Slack has its answer.
 */
export function createSweeperHandler(deps: AppDeps, slack?: SlackFollowUpOptions, sweep: SweepOptions = {}) {
  return middy<unknown, SweepReport | SlackFollowUpReport>().handler(async (event) => {
    const followUp = SlackFollowUpSchema.safeParse(event);
    if (followUp.success && slack) {
      const report = await finishSlackAction({ ...deps, ...slack }, followUp.data);
      if (report.error) logger.warn('slack follow-up incomplete', { ...report });
      return report;
    }
    const report = await sweepExpired(deps, sweep);
    logger.info('sweep done', { ...report });
    return report;
  });
}
