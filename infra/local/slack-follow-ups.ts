import { logger } from '../../lambdas/handlers/logger.ts';
import { finishSlackAction, type SlackFollowUpDeps, type SlackFollowUps } from '../../lambdas/channels/slack/slack-follow-up.ts';

/**
 * Local mode's follow-ups of Slack clicks: run in this process, after the handler has answered, the
 * way the asynchronous invoke runs them on AWS. `drain` waits for the ones still running, so the
 * local app stops only when they are done.
 */
export class InProcessSlackFollowUps {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: SlackFollowUpDeps) {}

  readonly hand: SlackFollowUps = async (followUp) => {
    const run = finishSlackAction(this.deps, followUp)
      .then((report) => {
        if (report.error) logger.warn('slack follow-up incomplete', { ...report });
      })
      .catch((error: unknown) => logger.error('slack follow-up failed; the sweeper delivers the decision', { error }))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  };

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
