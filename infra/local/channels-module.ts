import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { MailSender } from '#adapters/mail/mail-sender';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { OutboxMailSender } from '#adapters/mail/outbox-mail-sender';
import { LocalDirectory } from '#adapters/directory/local-directory';
import type { Directory } from '../../lambdas/channels/directory.ts';
import { DynamoLinkNonces } from '../../lambdas/channels/email/dynamodb-link-nonces.ts';
import { EmailNotifier } from '../../lambdas/channels/email/email-notifier.ts';
import type { RetryOptions } from '../../lambdas/channels/retry.ts';
import { localSecret } from '../../lambdas/channels/secrets/local-secret.ts';
import { staticSecret } from '../../lambdas/channels/secrets/secret-source.ts';
import { fetchSlackPost, SLACK_RESPONSE_URL_PREFIXES, type SlackPost } from '../../lambdas/channels/slack/slack-http.ts';
import { SlackNotifier } from '../../lambdas/channels/slack/slack-notifier.ts';
import { parseWebhookMap, type SlackWebhookMap } from '../../lambdas/channels/slack/slack-webhooks.ts';
import { channelRoutes } from '../../lambdas/handlers/channels/routes.ts';
import type { LocalModule } from './module.ts';
import { InProcessSlackFollowUps } from './slack-follow-ups.ts';

/** The demo people: bob and carol approve, dana is in finance, alice a user, root an admin. */
export const DEFAULT_DIRECTORY_FILE = fileURLToPath(new URL('../../config/directory.local.json', import.meta.url));
/**
 * Approver notices share the outbox with the mail the agent sends, under their own suffix, so that
 * `ls outbox/*.eml` shows exactly what the agent sent. The files are the same raw RFC 5322 messages.
 */
export const APPROVER_MAIL_SUFFIX = '.approval.txt';

const ChannelsEnvSchema = z.object({
  HITL_DIRECTORY_FILE: z.string().min(1).optional(),
  SENDER_EMAIL: z.email().default('hitl-approvals@example.com'),
  SLACK_WEBHOOK_URL: z.url().optional(),
  /** A JSON file mapping `<workflow>/<node>`, `<workflow>` or `*` to webhook URLs. */
  HITL_SLACK_WEBHOOKS_FILE: z.string().min(1).optional(),
  SLACK_SIGNING_SECRET: z.string().min(8).optional(),
});

export interface ChannelsModuleOptions {
  /** @default the JSON file in HITL_DIRECTORY_FILE, else config/directory.local.json */
  readonly directory?: Directory;
  /** @default the outbox folder `<dataDir>/outbox`, or memory without a data folder */
  readonly mail?: MailSender;
  readonly slack?: {
    /** @default SLACK_WEBHOOK_URL as `*`, merged under HITL_SLACK_WEBHOOKS_FILE */
    readonly webhooks?: SlackWebhookMap;
    /** @default SLACK_SIGNING_SECRET; without one, /slack/interactions does not exist */
    readonly signingSecret?: string;
    /** Where response_urls may point besides hooks.slack.com (a local Slack stand-in in tests). */
    readonly responseUrlPrefixes?: readonly string[];
    /** @default fetch */
    readonly post?: SlackPost;
  };
  /** @default 3 attempts, 200 ms doubling */
  readonly retry?: RetryOptions;
  readonly env?: NodeJS.ProcessEnv;
}

function loadEnv(env: NodeJS.ProcessEnv) {
  const result = ChannelsEnvSchema.safeParse(env);
  if (!result.success) {
    throw new Error(`invalid channel configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}

function webhookMap(env: z.infer<typeof ChannelsEnvSchema>, given?: SlackWebhookMap): SlackWebhookMap {
  const fromFile = env.HITL_SLACK_WEBHOOKS_FILE ? parseWebhookMap(readFileSync(env.HITL_SLACK_WEBHOOKS_FILE, 'utf8'), env.HITL_SLACK_WEBHOOKS_FILE) : {};
  return { ...(env.SLACK_WEBHOOK_URL ? { '*': env.SLACK_WEBHOOK_URL } : {}), ...fromFile, ...given };
}

/**
 * The review channels in local mode: approver emails as `*.approval.txt` files in the outbox, their decision
 * links, Slack (when a webhook is configured) and the dashboard at `/`. The link key is generated
 * once into the data folder, so links survive a restart.
 */
export function channelsModule(options: ChannelsModuleOptions = {}): LocalModule {
  return {
    name: 'channels',
    async start(ctx) {
      const env = loadEnv(options.env ?? process.env);
      const directory = options.directory ?? LocalDirectory.fromFile(env.HITL_DIRECTORY_FILE ?? DEFAULT_DIRECTORY_FILE);
      const mail =
        options.mail ?? (ctx.dataDir ? new OutboxMailSender(join(ctx.dataDir, 'outbox'), env.SENDER_EMAIL, APPROVER_MAIL_SUFFIX) : new MemoryMailSender(env.SENDER_EMAIL));
      const linkSecret = localSecret(ctx.dataDir ? join(ctx.dataDir, 'link-secret') : undefined);
      const baseUrl = () => ctx.publicUrl();

      ctx.notifier.add(new EmailNotifier({ directory, mail, secret: linkSecret, baseUrl, clock: ctx.deps.clock, retry: options.retry }));

      const post = options.slack?.post ?? fetchSlackPost;
      const webhooks = webhookMap(env, options.slack?.webhooks);
      if (Object.keys(webhooks).length > 0) {
        ctx.notifier.add(new SlackNotifier({ webhooks: async () => webhooks, directory, post, baseUrl, retry: options.retry }));
      }
      const signingSecret = options.slack?.signingSecret ?? env.SLACK_SIGNING_SECRET;
      const responseUrlPrefixes = [...SLACK_RESPONSE_URL_PREFIXES, ...(options.slack?.responseUrlPrefixes ?? [])];
      const followUps = new InProcessSlackFollowUps({ ...ctx.deps, post, responseUrlPrefixes });

      return {
        routes: channelRoutes({
          dashboard: { auth: { kind: 'headers' }, assets: ctx.dashboardAssets },
          links: { ...ctx.deps, linkSecret, nonces: new DynamoLinkNonces(ctx.db, ctx.tableName), directory },
          ...(signingSecret
            ? {
                slack: {
                  ...ctx.deps,
                  signingSecret: staticSecret(signingSecret),
                  directory,
                  responseUrlPrefixes,
                  followUps: followUps.hand,
                },
              }
            : {}),
        }),
        stop: () => followUps.drain(),
      };
    },
  };
}
