import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { lambdaClient, lambdaSdk } from '../channels/dispatch/lambda-dispatch-notifier.ts';
import { secretsManagerSecret } from '../channels/secrets/secrets-manager.ts';
import type { SecretSource } from '../channels/secrets/secret-source.ts';
import type { LambdaInvoker } from './lambda-tool.ts';
import { ToolCallError } from './tool-errors.ts';
import type { ToolSecrets } from './tool-secrets.ts';

/** Tool secrets from Secrets Manager by name or ARN, each read once per process. */
export class SecretsManagerToolSecrets implements ToolSecrets {
  private readonly sources = new Map<string, SecretSource>();

  constructor(private readonly sdk?: Pick<SecretsManagerClient, 'send'>) {}

  resolve(ref: string): Promise<string> {
    let source = this.sources.get(ref);
    if (!source) {
      source = this.sdk ? secretsManagerSecret(ref, this.sdk) : secretsManagerSecret(ref);
      this.sources.set(ref, source);
    }
    return source();
  }
}

/** Invokes tool functions synchronously; a function error becomes a tool error naming the function, not its payload. */
export class SdkLambdaInvoker implements LambdaInvoker {
  constructor(private readonly sdk?: Pick<LambdaClient, 'send'>) {}

  async invoke(functionArn: string, payload: unknown): Promise<unknown> {
    const { InvokeCommand } = await lambdaSdk();
    const lambda = this.sdk ?? (await lambdaClient());
    const answer = await lambda.send(new InvokeCommand({ FunctionName: functionArn, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(payload)) }));
    const text = answer.Payload ? Buffer.from(answer.Payload).toString('utf8') : '';
    if (answer.FunctionError) throw new ToolCallError(`function ${functionArn.split(':').slice(6, 7)[0] ?? 'tool'} failed (${answer.FunctionError})`, false);
    return text ? JSON.parse(text) : null;
  }
}
