import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import type { Clock } from '#ports';
import { ChannelError } from '../../channels/errors.ts';
import type { SecretSource } from '../../channels/secrets/secret-source.ts';
import { BlockActionsSchema, handleSlackAction, type SlackInteractionDeps } from '../../channels/slack/interactions.ts';
import { verifySlackRequest } from '../../channels/slack/signature.ts';
import type { Route } from '../api/routes.ts';
import { json } from '../http/responses.ts';
import { logger } from '../logger.ts';
import { header, rawBody } from './raw-body.ts';

export interface SlackRouteDeps extends SlackInteractionDeps {
  readonly signingSecret: SecretSource;
  readonly clock: Clock;
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
 * request). The signature is checked over the raw body before anything is parsed; Slack wants a 200
 * within 3 seconds, and the visible answer goes to the message's response_url.
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
          const result = await handleSlackAction(deps, payload.data);
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
