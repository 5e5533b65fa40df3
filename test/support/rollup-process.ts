/**
 * The rollup of decisions run in its own process, for tests that kill it half way. It works on the
 * parent's DynamoDB (dynalite over HTTP) and SIGKILLs itself once its `HITL_DIE_AFTER_STATS_WRITES`th
 * write to a statistics item, or its `HITL_DIE_AFTER_WATERMARK_MOVES`th move of the watermark, has
 * been answered: nothing after that write runs.
 *
 * Env: HITL_DYNAMO_ENDPOINT, HITL_TABLE, HITL_NOW (ISO time its clock stands at), and one of the two.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { StatsRepository, statsKeys } from '#adapters/dynamodb/stats-repository';
import { rollUpDecisions } from '#usecases/roll-up-decisions';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const db = createDocumentClient({ endpoint: env('HITL_DYNAMO_ENDPOINT'), region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const dieAfterStatsWrites = Number(process.env.HITL_DIE_AFTER_STATS_WRITES ?? 0);
const dieAfterWatermarkMoves = Number(process.env.HITL_DIE_AFTER_WATERMARK_MOVES ?? 0);
let statsWrites = 0;
let watermarkMoves = 0;
const dying = {
  send: async (command: { constructor: { name: string }; input: { Key?: { pk?: string } } }) => {
    const pk = command.constructor.name === 'UpdateCommand' ? command.input.Key?.pk : undefined;
    try {
      return await db.send(command as never);
    } finally {
      if (pk === statsKeys.watermark.pk && ++watermarkMoves === dieAfterWatermarkMoves) process.kill(process.pid, 'SIGKILL');
      else if (pk !== undefined && pk !== statsKeys.watermark.pk && pk.startsWith(statsKeys.pk('')) && ++statsWrites === dieAfterStatsWrites) process.kill(process.pid, 'SIGKILL');
    }
  },
} as unknown as DynamoDBDocumentClient;

await rollUpDecisions({ rollup: new StatsRepository(dying, env('HITL_TABLE')), clock: { now: () => new Date(env('HITL_NOW')) } });
process.exit(0);
