import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { cachedSecret, type SecretSource } from './secret-source.ts';

/** The one Secrets Manager client of the process, created on first use (functions without secrets never build it). */
let client: SecretsManagerClient | undefined;
function secretsClient(): SecretsManagerClient {
  client ??= new SecretsManagerClient({ maxAttempts: 3 });
  return client;
}

/** A secret's string value from Secrets Manager, read once per process (the link key, the Slack signing secret). */
export function secretsManagerSecret(secretArn: string, sdk: Pick<SecretsManagerClient, 'send'> = secretsClient()): SecretSource {
  return cachedSecret(async () => {
    const { SecretString } = await sdk.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!SecretString) throw new Error(`secret ${secretArn} has no string value`);
    return SecretString;
  });
}
