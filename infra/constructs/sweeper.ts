import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { ApprovalsTable } from './approvals-table.ts';
import { entryOf, HitlFunction, type HandlerSource, type HitlFunctionProps } from './hitl-function.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../function-timeouts.ts';
import { assertNoProblems, integerProblems } from './prop-checks.ts';

export interface SweeperProps extends Pick<HitlFunctionProps, 'logRetention' | 'logRemovalPolicy' | 'logLevel' | 'logEncryptionKey' | 'network'> {
  readonly table: ApprovalsTable;
  /** Where the handler comes from. @default REPO_HANDLERS */
  readonly handlers?: HandlerSource;
  /** How often the sweep runs. @default Schedule.rate(Duration.minutes(1)) */
  readonly schedule?: Schedule;
  /**
   * Expiries the sweeper runs at once (`SWEEP_CONCURRENCY`); each is still one conditional write
   * and its own delivery. @default 16 (DEFAULT_SWEEP_CONCURRENCY)
   */
  readonly concurrency?: number;
}

/**
 * The sweeper: on a schedule it times out or escalates requests that are due, and delivers
 * decisions that did not reach their workflow. It reads the table and its indexes, records
 * outcomes, and answers task tokens of the registered workflows only.
 */
export class Sweeper extends Construct {
  public readonly function: HitlFunction;
  public readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SweeperProps) {
    super(scope, id);
    assertNoProblems(this, integerProblems('concurrency', props.concurrency, 1, 64));
    this.function = new HitlFunction(this, 'Function', {
      ...entryOf(props.handlers, 'sweeper'),
      description: 'hitl-approvals sweeper: times out, escalates and redelivers decisions',
      // Shorter than the schedule, so one sweep normally ends before the next starts (the store's
      // delivery leases keep overlapping sweeps safe anyway).
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.sweeper),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      logLevel: props.logLevel,
      logEncryptionKey: props.logEncryptionKey,
      network: props.network,
    });
    props.table.bindDecisionMaker(this.function);
    if (props.concurrency !== undefined) this.function.addEnvironment('SWEEP_CONCURRENCY', String(props.concurrency));

    this.rule = new Rule(this, 'Schedule', {
      description: 'Runs the hitl-approvals sweeper',
      schedule: props.schedule ?? Schedule.rate(Duration.minutes(1)),
    });
    // A missed tick is harmless: the next one sweeps the same due items.
    this.rule.addTarget(new LambdaFunction(this.function, { retryAttempts: 0 }));
  }

  /**
   * Sets `SLACK_FOLLOW_UP_FUNCTION_NAME` on `fn` (the API function) and lets it invoke the sweeper,
   * which finishes a Slack click (delivery, message update) after the click has been acknowledged.
   */
  bindSlackFollowUps(fn: LambdaFn): void {
    fn.addEnvironment('SLACK_FOLLOW_UP_FUNCTION_NAME', this.function.functionName);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }));
  }
}
