import { onFirstUse } from '#adapters/aws/on-first-use';
import { CognitoDirectory } from '#adapters/directory/cognito-directory';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DelegationRepository } from '#adapters/dynamodb/delegation-repository';
import { loadLambdaConfig } from '../config.ts';
import { savedToolArgs } from '../tools/saved-tools.ts';
import type { AwsTools } from './aws-tools.ts';

/**
 * What a function that records approvers' decisions needs beside awsDeps (the API and decision
 * functions). The tools' registry and code load when first needed (an approver's edited arguments,
 * a tool or flow route), not at every cold start: such a function checks tools but never runs them.
 * Delegations need the user pool: a delegate must be a known user, and a delegator's groups come from it.
 */
export function deciderDeps(functionName: string) {
  const tools = onFirstUse(
    async (): Promise<AwsTools> =>
      (await import('./aws-tools.ts')).awsTools({
        send: async () => {
          throw new Error(`the ${functionName} function does not send tool mail; the tool function does`);
        },
      }),
  );
  const userPoolId = loadLambdaConfig().USER_POOL_ID;
  return {
    tools,
    toolArgs: savedToolArgs(tools),
    ...(userPoolId ? { delegations: new DelegationRepository(createDocumentClient(), loadLambdaConfig().TABLE_NAME), directory: new CognitoDirectory(userPoolId) } : {}),
  };
}
