import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { onFirstUse } from '#adapters/aws/on-first-use';
import { cachedSecret, type SecretSource } from './secret-source.ts';

/** The Secrets Manager SDK and the one client of the process, loaded on first use: a secret is read once per process, and functions without secrets never load it. */
const secretsSdk = onFirstUse(() => import('@aws-sdk/client-secrets-manager'));
const secretsClient = onFirstUse(async () => new (await secretsSdk()).SecretsManagerClient({ maxAttempts: 3 }));

/** A secret's string value from Secrets Manager, read once per process (the link key, the Slack signing secret). */
export function secretsManagerSecret(secretArn: string, sdk?: Pick<SecretsManagerClient, 'send'>): SecretSource {
  return cachedSecret(async () => {
    const { GetSecretValueCommand } = await secretsSdk();
    const client = sdk ?? (await secretsClient());
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!SecretString) throw new Error(`secret ${secretArn} has no string value`);
    return SecretString;
  });
}
