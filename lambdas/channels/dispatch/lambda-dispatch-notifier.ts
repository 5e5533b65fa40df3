import type { LambdaClient } from '@aws-sdk/client-lambda';
import { onFirstUse } from '#adapters/aws/on-first-use';
import type { ApprovalRequest } from '#core/request';
import type { Notifier, NotifyReason, NotifyReport } from '#ports';
import { messageOf, withRetry, type RetryOptions } from '../retry.ts';
import type { NotifyEvent } from './notify-event.ts';

/** The Lambda SDK, loaded on first use: a function only needs it to hand work to another one. */
export const lambdaSdk = onFirstUse(() => import('@aws-sdk/client-lambda'));
/** The one Lambda client of the process, created on first use. */
export const lambdaClient = onFirstUse(async () => new (await lambdaSdk()).LambdaClient({ maxAttempts: 3 }));

/**
 * On AWS the gate and the sweeper hand notifications to the notifier function with an asynchronous
 * invoke: the gate returns in milliseconds whatever SES or Slack do, only the notifier holds the
 * sending permissions and secrets, and Lambda retries the invoke if the notifier itself crashes.
 */
export class LambdaDispatchNotifier implements Notifier {
  constructor(
    private readonly functionName: string,
    private readonly lambda?: Pick<LambdaClient, 'send'>,
    private readonly retry?: RetryOptions,
  ) {}

  async notify(request: ApprovalRequest, reason: NotifyReason): Promise<NotifyReport[]> {
    const event: NotifyEvent = { requestId: request.id, reason, level: request.level };
    try {
      const { InvokeCommand } = await lambdaSdk();
      const lambda = this.lambda ?? (await lambdaClient());
      await withRetry(
        () => lambda.send(new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) })),
        this.retry,
      );
      return [{ channel: 'dispatch', ok: true }];
    } catch (error) {
      return [{ channel: 'dispatch', ok: false, error: `could not hand the notification to ${this.functionName}: ${messageOf(error)}` }];
    }
  }
}
