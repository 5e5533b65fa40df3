import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Page } from '#ports';
import { cursorCodec, invalidCursor, type CursorShape } from './cursor.ts';

const MAX_FILTERED_ROUNDS = 10;

/**
 * Reads one page of a Query. With a FilterExpression DynamoDB may return fewer matches than asked for,
 * so it reads on, a bounded number of rounds, and hands back a cursor where it stopped. Without a
 * filter a page costs exactly one Query of `limit` items, whatever the size of the table.
 */
export async function queryPage<T>(
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  page: { readonly limit: number; readonly cursor?: string },
  shape: CursorShape,
  map: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined = cursorCodec.decode(page.cursor, shape);
  for (let round = 0; round < MAX_FILTERED_ROUNDS; round++) {
    const result = await db
      .send(new QueryCommand({ ...input, Limit: page.limit - items.length, ExclusiveStartKey: startKey }))
      .catch((error: unknown) => {
        // A well-formed cursor can still lie outside this query's range (forged, or reused with other
        // filters): DynamoDB refuses its start key, which is the caller's mistake, not ours.
        if (round === 0 && page.cursor !== undefined && (error as Error)?.name === 'ValidationException') throw invalidCursor();
        throw error;
      });
    items.push(...(result.Items ?? []).map(map));
    startKey = result.LastEvaluatedKey;
    if (!startKey || items.length >= page.limit || !input.FilterExpression) break;
  }
  const nextCursor = cursorCodec.encode(startKey);
  return nextCursor ? { items, nextCursor } : { items };
}
