import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ToolStore } from '#usecases/save-tool';
import { StoredToolSchema, type StoredTool } from '../../tools/tool-spec.ts';
import { INDEXES } from './table.ts';

/**
 * Key builders for admin-saved tools: one item per tool (`TOOL#<name>` / `SPEC`), saved again in
 * place; every tool is also in the `TOOLS` partition of the timeline index, so the tools are one Query
 * away. The index is read for keys only (whatever it projects), and the specs from the table.
 */
export const toolKeys = {
  pk: (name: string) => `TOOL#${name}`,
  sk: 'SPEC',
  listed: (name: string) => ({ gsi4pk: 'TOOLS', gsi4sk: name }),
};

function toStored(item: Record<string, unknown>): StoredTool {
  return StoredToolSchema.parse({ spec: item.spec, source: item.source, savedBy: item.savedBy, savedAt: item.savedAt });
}

/** DynamoDB implementation of ToolStore. */
export class ToolRepository implements ToolStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(name: string): Promise<StoredTool | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: toolKeys.pk(name), sk: toolKeys.sk }, ConsistentRead: true }));
    return result.Item ? toStored(result.Item) : undefined;
  }

  async list(): Promise<StoredTool[]> {
    const keys: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEXES.timeline.name,
          KeyConditionExpression: 'gsi4pk = :pk',
          ExpressionAttributeValues: { ':pk': 'TOOLS' },
          ProjectionExpression: 'pk, sk',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      keys.push(...(result.Items ?? []).map((item) => ({ pk: item.pk, sk: item.sk })));
      start = result.LastEvaluatedKey;
    } while (start);
    // Tens of tools at most: one consistent GetItem each, which the API and the flow functions may do.
    const tools = await Promise.all(keys.map((key) => this.get(String(key.pk).slice(toolKeys.pk('').length))));
    return tools.filter((tool): tool is StoredTool => tool !== undefined).sort((a, b) => a.spec.name.localeCompare(b.spec.name));
  }

  async put(tool: StoredTool): Promise<void> {
    const name = tool.spec.name;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: toolKeys.pk(name), sk: toolKeys.sk, entity: 'tool', name, ...tool, ...toolKeys.listed(name) },
      }),
    );
  }
}
