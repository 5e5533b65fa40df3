import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SlackFollowUps } from '../slack/slack-follow-up.ts';
import { lambdaClient, lambdaSdk } from './lambda-dispatch-notifier.ts';

/**
 * On AWS a Lambda stops when it answers, so the API function hands a Slack click's follow-up to the
 * sweeper function (which delivers decisions anyway) with an asynchronous invoke: the click is
 * acknowledged in the time of one invoke call, and Lambda retries the follow-up if it fails.
 */
export function lambdaSlackFollowUps(functionName: string, sdk?: Pick<LambdaClient, 'send'>): SlackFollowUps {
  return async (followUp) => {
    const { InvokeCommand } = await lambdaSdk();
    const lambda = sdk ?? (await lambdaClient());
    await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(followUp)) }));
  };
}
