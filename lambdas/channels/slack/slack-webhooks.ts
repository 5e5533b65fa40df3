import * as z from 'zod';
import type { ApprovalRequest } from '#core/request';

/**
 * Which Slack incoming webhook hears about which requests: keys are `<workflow>/<node>`, `<workflow>`
 * or `*` (everything else); the most specific key wins. Webhook URLs are credentials (anyone holding
 * one can post to the channel): on AWS they live in a secret, locally in a file outside git or the env.
 */
export const SlackWebhookMapSchema = z.record(z.string().min(1).max(260), z.url({ protocol: /^https?$/ }));
export type SlackWebhookMap = z.infer<typeof SlackWebhookMapSchema>;

/** The webhook for `request`, or undefined when its workflow posts to no Slack channel. */
export function webhookFor(map: SlackWebhookMap, request: Pick<ApprovalRequest, 'workflowId' | 'nodeId'>): string | undefined {
  return map[`${request.workflowId}/${request.nodeId}`] ?? map[request.workflowId] ?? map['*'];
}

/** Parses a webhook map (from a file or a secret), naming what is wrong. */
export function parseWebhookMap(text: string, source: string): SlackWebhookMap {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${source}: not JSON`);
  }
  const parsed = SlackWebhookMapSchema.safeParse(value);
  if (!parsed.success) throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
