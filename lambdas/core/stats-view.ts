import * as z from 'zod';

const seconds = z.number().nullable();

/** One row of GET /stats: a flow's node and tool, its counts and time-to-decision percentiles. */
export const StatsItemSchema = z.object({
  workflowId: z.string(),
  nodeId: z.string(),
  tool: z.string(),
  approved: z.number().int(),
  rejected: z.number().int(),
  timed_out: z.number().int(),
  escalated: z.number().int(),
  secondsToDecision: z.object({ p50: seconds, p90: seconds, p99: seconds }),
});

/** GET /stats */
export const StatsResponseSchema = z.object({
  from: z.string(),
  to: z.string(),
  note: z.string(),
  /**
   * False when the decisions not yet rolled up were more than one reading takes: the counts then
   * hold every decision before `asOf` and only some after it.
   */
  complete: z.boolean().describe('false when only the decisions before asOf are all counted (a backlog of decisions not yet rolled up)'),
  asOf: z.string().optional().describe('when complete is false: every decision before this time is counted'),
  items: z.array(StatsItemSchema),
});
export type StatsResponse = z.infer<typeof StatsResponseSchema>;
