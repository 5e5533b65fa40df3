// Built into a Lambda-style bundle by test/infra/lazy-clients-bundle.test.ts: every client that
// functions load on first use, loaded and handed its command inside the bundle, as on AWS.
import { CognitoDirectory } from '#adapters/directory/cognito-directory';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { SesMailSender } from '#adapters/mail/ses-mail-sender';
import { SdkWorkflows } from '#adapters/stepfunctions/sdk-workflows';
import type { ApprovalRequest } from '#core/request';
import { lambdaClient, LambdaDispatchNotifier } from '../../lambdas/channels/dispatch/lambda-dispatch-notifier.ts';
import { secretsManagerSecret } from '../../lambdas/channels/secrets/secrets-manager.ts';

// The clients every function builds at load, as the entry points do.
createDocumentClient();
new SdkWorkflows();

export async function probe(): Promise<string[]> {
  const sent: string[] = [];
  const answering = (output: unknown) => ({
    // Class names do not survive minifying; what the command carries does.
    send: async (command: { input: Record<string, unknown> }) => (sent.push(Object.keys(command.input).sort().join(',')), output),
  });
  await secretsManagerSecret('arn:aws:secretsmanager:eu-west-1:000000000000:secret:probe', answering({ SecretString: 'key' }) as never)();
  await new SesMailSender('approvals@example.com', answering({ MessageId: 'm-1' }) as never).send({ to: 'bob@example.com', subject: 's', text: 't', html: '<p>t</p>' });
  await new CognitoDirectory('eu-west-1_Probe', answering({ Username: 'bob', Enabled: true, UserAttributes: [], Groups: [] }) as never).person('bob');
  await new LambdaDispatchNotifier('hitl-notifier', answering({}) as never).notify({ id: 'probe', level: 0 } as ApprovalRequest, 'created');
  // The default client is built from the lazily loaded SDK too.
  sent.push(`client of ${String((await lambdaClient()).config.serviceId)}`);
  return sent;
}
