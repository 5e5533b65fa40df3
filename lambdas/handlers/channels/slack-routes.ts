import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import type { Clock } from '#ports';
import { ChannelError } from '../../channels/errors.ts';
import type { SecretSource } from '../../channels/secrets/secret-source.ts';
import { BlockActionsSchema, decideSlackAction, type SlackInteractionDeps } from '../../channels/slack/interactions.ts';
import type { SlackFollowUp, SlackFollowUps } from '../../channels/slack/slack-follow-up.ts';
import { verifySlackRequest } from '../../channels/slack/signature.ts';
import type { Route } from '../api/routes.ts';
import { json } from '../http/responses.ts';
import { logger } from '../logger.ts';
import { header, rawBody } from './raw-body.ts';

export interface SlackRouteDeps extends SlackInteractionDeps {
  readonly signingSecret: SecretSource;
  readonly clock: Clock;
  /** Runs what is left of a click (delivery, message update) after the acknowledgement. */
  readonly followUps: SlackFollowUps;
}

/**
 * Hands the follow-up over; if even that fails, the click is still acknowledged: its decision is
 * stored, the sweeper delivers it once its lease runs out, and only the message keeps its buttons.
 */
async function handOver(deps: SlackRouteDeps, followUp: SlackFollowUp): Promise<void> {
  try {
    await deps.followUps(followUp);
  } catch (error) {
    logger.error('slack follow-up could not be handed over; the sweeper delivers the decision', { error, reply: followUp.reply.kind });
  }
}

function payloadOf(body: string) {
  const raw = new URLSearchParams(body).get('payload');
  if (!raw) throw new ChannelError('no payload field', 400);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ChannelError('payload is not JSON', 400);
  }
  return BlockActionsSchema.safeParse(value);
}

/**
 * `POST /slack/interactions`, Slack's Interactivity Request URL (no sign-in: Slack signs each
 * request). The signature is checked over the raw body before anything is parsed. Slack wants a 200
 * within 3 seconds, so the answer waits only for the decision's own write: delivering it to the
 * workflow and updating the message through its response_url happen after the acknowledgement, and
 * neither can turn it into an error.
 */
export function slackRoutes(deps: SlackRouteDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/slack/interactions',
      doc: {
        summary: "Slack interactivity endpoint: a signed button click (Slack's x-slack-signature) decides with channel slack",
        tags: ['channels'],
        body: z.object({ payload: z.string().describe('block_actions payload, JSON') }),
        bodyType: 'application/x-www-form-urlencoded',
        response: z.object({ ok: z.boolean(), result: z.enum(['ignored', 'decided', 'refused']).optional(), ignored: z.boolean().optional() }),
        public: true,
        statuses: { '401': "Slack's signature is missing, wrong or older than five minutes" },
      },
      handler: async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
        try {
          const body = rawBody(event);
          verifySlackRequest(
            await deps.signingSecret(),
            { timestamp: header(event, 'x-slack-request-timestamp'), signature: header(event, 'x-slack-signature'), rawBody: body },
            deps.clock.now(),
          );
          const payload = payloadOf(body);
          // Other interaction types (shortcuts, view submissions) are not ours: acknowledge and ignore.
          if (!payload.success) return json(200, { ok: true, ignored: true });
          const { result, followUp } = await decideSlackAction(deps, payload.data);
          if (followUp) await handOver(deps, followUp);
          return json(200, { ok: true, result: result.kind });
        } catch (error) {
          if (error instanceof ChannelError) return json(error.status, { error: { code: error.code, message: error.message } });
          logger.error('slack interaction failed', { error });
          return json(500, { error: { code: 'InternalError', message: 'internal error' } });
        }
      },
    },
  ];
}
