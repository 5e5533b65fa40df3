import { onFirstUse } from '#adapters/aws/on-first-use';
import type { ConverseSend } from './bedrock-agent.ts';

/** The Bedrock Runtime SDK and the one client of the process, loaded at the first model turn rather than at every cold start. */
const bedrockSdk = onFirstUse(() => import('@aws-sdk/client-bedrock-runtime'));
const bedrockClient = onFirstUse(async () => new (await bedrockSdk()).BedrockRuntimeClient({ maxAttempts: 3 }));

/** Converse on Amazon Bedrock through the process's one client. */
export const bedrockConverse: ConverseSend = async (input) => {
  const { ConverseCommand } = await bedrockSdk();
  return (await bedrockClient()).send(new ConverseCommand(input));
};
