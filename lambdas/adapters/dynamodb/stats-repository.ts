import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bucketOf, DECISION_TIME_BUCKETS, type StatsRow, type StatsSample } from '#core/decision-stats';
import type { DecisionStats } from '#ports';

export const statsKeys = {
  pk: (day: string) => `STATS#${day}`,
  sk: (sample: Pick<StatsSample, 'workflowId' | 'nodeId' | 'tool'>) => `${sample.workflowId}#${sample.nodeId}#${sample.tool}`,
};

const MAX_DAYS = 366;

/**
 * Decision counters per day and (workflow, node, tool), kept with atomic ADDs as decisions happen,
 * so reading statistics costs one Query per day of the range and never scans requests.
 */
export class StatsRepository implements DecisionStats {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(sample: StatsSample): Promise<void> {
    const names: Record<string, string> = { '#outcome': sample.outcome };
    const values: Record<string, unknown> = { ':one': 1, ':w': sample.workflowId, ':n': sample.nodeId, ':t': sample.tool };
    let add = '#outcome :one';
    if (sample.secondsToDecision !== undefined) {
      names['#bucket'] = `b${bucketOf(sample.secondsToDecision)}`;
      add += ', #bucket :one';
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: statsKeys.pk(sample.day), sk: statsKeys.sk(sample) },
        UpdateExpression: `SET workflowId = :w, nodeId = :n, tool = :t ADD ${add}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async rows(from: Date, to: Date): Promise<StatsRow[]> {
    const rows: StatsRow[] = [];
    const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
    for (let n = 0; day <= to && n < MAX_DAYS; n++, day.setUTCDate(day.getUTCDate() + 1)) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const result = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': statsKeys.pk(day.toISOString().slice(0, 10)) },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of result.Items ?? []) {
          rows.push({
            workflowId: String(item.workflowId),
            nodeId: String(item.nodeId),
            tool: String(item.tool),
            approved: Number(item.approved ?? 0),
            rejected: Number(item.rejected ?? 0),
            timed_out: Number(item.timed_out ?? 0),
            escalated: Number(item.escalated ?? 0),
            histogram: DECISION_TIME_BUCKETS.map((_, i) => Number(item[`b${i}`] ?? 0)),
          });
        }
        startKey = result.LastEvaluatedKey;
      } while (startKey);
    }
    return rows;
  }
}
