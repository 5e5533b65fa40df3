import { CognitoDirectory } from '#adapters/directory/cognito-directory';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DelegationRepository } from '#adapters/dynamodb/delegation-repository';
import { loadLambdaConfig } from '../config.ts';
import { createDecisionHandler } from '../handlers/decisions.ts';
import { onFirstUse } from '#adapters/aws/on-first-use';
import { savedToolArgs } from '../tools/saved-tools.ts';
import { awsDeps } from './aws-deps.ts';
import type { AwsTools } from './aws-tools.ts';

// The decision path (an approver's click, the inbox): its own function, so that its cold start
// loads none of the admin, editor, gate and channel routes the API function serves.
// The tools' schemas load with the first decision that edits a tool's arguments; the tools never run here.
const tools = onFirstUse(
  async (): Promise<AwsTools> =>
    (await import('./aws-tools.ts')).awsTools({
      send: async () => {
        throw new Error('the decision function does not send tool mail; the tool function does');
      },
    }),
);
// Delegates may decide on behalf of approvers: a delegate must be a known user of the pool.
const userPoolId = loadLambdaConfig().USER_POOL_ID;

export const handler = createDecisionHandler({
  ...awsDeps(),
  toolArgs: savedToolArgs(tools),
  ...(userPoolId ? { delegations: new DelegationRepository(createDocumentClient(), loadLambdaConfig().TABLE_NAME), directory: new CognitoDirectory(userPoolId) } : {}),
});
