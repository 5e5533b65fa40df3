import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Where the system runs. `prod` keeps data when the stack goes away; `dev` cleans up after itself. */
export type Stage = 'dev' | 'prod';

export const STAGES: readonly Stage[] = ['dev', 'prod'];

/** Stateful resources (table, user pool, secret, logs) survive a stack deletion in prod only. */
export function removalPolicyFor(stage: Stage): RemovalPolicy {
  return stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

/**
 * How long function, API and state machine logs stay, unless a construct is told otherwise: a year
 * in prod (AWS Control Tower's CT.CLOUDWATCH.PR.2), a month in dev.
 */
export function logRetentionFor(stage: Stage): RetentionDays {
  return stage === 'prod' ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH;
}
