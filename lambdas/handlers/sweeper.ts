import middy from '@middy/core';
import { sweepExpired, type SweepReport } from '#usecases/sweep-expired';
import type { AppDeps } from './deps.ts';
import { logger } from './logger.ts';

/** The timeout sweeper, run every minute by EventBridge. Its event carries nothing it needs. */
export function createSweeperHandler(deps: AppDeps) {
  return middy<unknown, SweepReport>().handler(async () => {
    const report = await sweepExpired(deps);
    logger.info('sweep done', { ...report });
    return report;
  });
}
