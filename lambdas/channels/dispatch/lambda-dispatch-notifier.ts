import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ApprovalRequest } from '#core/request';
import type { Notifier, NotifyReason, NotifyReport } from '#ports';
import { messageOf, withRetry, type RetryOptions } from '../retry.ts';
import type { NotifyEvent } from './notify-event.ts';

/** The one Lambda client of the process, created on first use. */
let client: LambdaClient | undefined;
export function lambdaClient(): LambdaClient {
  client ??= new LambdaClient({ maxAttempts: 3 });
  return client;
}

/**
 * On AWS the gate and the sweeper hand notifications to the notifier function with an asynchronous
 * invoke: the gate returns in milliseconds whatever SES or Slack do, only the notifier holds the
 * sending permissions and secrets, and Lambda retries the invoke if the notifier itself crashes.
 */
export class LambdaDispatchNotifier implements Notifier {
  constructor(
    private readonly functionName: string,
    private readonly lambda: Pick<LambdaClient, 'send'> = lambdaClient(),
    private readonly retry?: RetryOptions,
  ) {}

  async notify(request: ApprovalRequest, reason: NotifyReason): Promise<NotifyReport[]> {
    const event: NotifyEvent = { requestId: request.id, reason, level: request.level };
    try {
      await withRetry(
        () => this.lambda.send(new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) })),
        this.retry,
      );
      return [{ channel: 'dispatch', ok: true }];
    } catch (error) {
      return [{ channel: 'dispatch', ok: false, error: `could not hand the notification to ${this.functionName}: ${messageOf(error)}` }];
    }
  }
}
