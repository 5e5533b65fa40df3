import { CognitoDirectory } from '#adapters/directory/cognito-directory';
import { SesMailSender } from '#adapters/mail/ses-mail-sender';
import { CompositeNotifier } from '#adapters/notify/composite-notifier';
import type { Notifier } from '#ports';
import { bundledDashboardAssets } from '../../channels/dashboard/dashboard-assets.ts';
import type { DashboardAuth } from '../../channels/dashboard/dashboard-page.ts';
import { lambdaSlackFollowUps } from '../../channels/dispatch/lambda-slack-follow-ups.ts';
import { DynamoLinkNonces } from '../../channels/email/dynamodb-link-nonces.ts';
import { EmailNotifier } from '../../channels/email/email-notifier.ts';
import { SendPacer } from '../../channels/email/send-pacer.ts';
import { secretsManagerSecret } from '../../channels/secrets/secrets-manager.ts';
import { fetchSlackPost, SLACK_RESPONSE_URL_PREFIXES } from '../../channels/slack/slack-http.ts';
import { SlackNotifier } from '../../channels/slack/slack-notifier.ts';
import { parseWebhookMap } from '../../channels/slack/slack-webhooks.ts';
import type { LambdaConfig } from '../../config.ts';
import type { Route } from '../api/routes.ts';
import type { AppDeps } from '../deps.ts';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { logger } from '../logger.ts';
import { channelRoutes } from './routes.ts';


type Setting = keyof LambdaConfig;

/** The settings `purpose` needs, or one error naming every missing one. */
function requireSettings<K extends Setting>(config: LambdaConfig, keys: K[], purpose: string): { [P in K]-?: NonNullable<LambdaConfig[P]> } {
  const missing = keys.filter((key) => config[key] === undefined || config[key] === '');
  if (missing.length) throw new Error(`${purpose} needs ${missing.join(', ')} in its environment`);
  return config as unknown as { [P in K]-?: NonNullable<LambdaConfig[P]> };
}

/**
 * The notifier function's channels: email through SES with links signed by the key in
 * LINK_SECRET_ARN, recipients from the Cognito pool USER_POOL_ID, and Slack when
 * SLACK_WEBHOOKS_SECRET_ARN holds a webhook map.
 */
export function awsChannelNotifier(config: LambdaConfig, deps: Pick<AppDeps, 'clock'>): Notifier {
  const settings = requireSettings(config, ['SENDER_EMAIL', 'PUBLIC_BASE_URL', 'LINK_SECRET_ARN', 'USER_POOL_ID'], 'the notifier function');
  const directory = new CognitoDirectory(settings.USER_POOL_ID);
  const baseUrl = () => settings.PUBLIC_BASE_URL;
  const mail = new SesMailSender(settings.SENDER_EMAIL);
  const configuredRate = config.SES_MAX_SEND_RATE;
  const channels: Notifier[] = [
    new EmailNotifier({
      directory,
      mail,
      // One pacer per instance; the rate comes from configuration or, once, from SES.
      pacer: new SendPacer(async () => configuredRate ?? (await mail.maxSendRate())),
      secret: secretsManagerSecret(settings.LINK_SECRET_ARN),
      baseUrl,
      clock: deps.clock,
    }),
  ];
  if (config.SLACK_WEBHOOKS_SECRET_ARN) {
    const secret = secretsManagerSecret(config.SLACK_WEBHOOKS_SECRET_ARN);
    const webhooks = async () => parseWebhookMap(await secret(), 'the Slack webhooks secret');
    channels.push(new SlackNotifier({ webhooks, directory, post: fetchSlackPost, baseUrl }));
  }
  return new CompositeNotifier(channels);
}

/**
 * The API function's channel routes. The dashboard is always served; email links need
 * LINK_SECRET_ARN and USER_POOL_ID, Slack interactions SLACK_SIGNING_SECRET_ARN, USER_POOL_ID and
 * SLACK_FOLLOW_UP_FUNCTION_NAME (the function that finishes a click after its acknowledgement).
 * A channel whose settings are missing has no routes, and the cold start logs which ones.
 */
export function awsChannelRoutes(deps: AppDeps, config: LambdaConfig): Route[] {
  const dashboard: DashboardAuth =
    config.COGNITO_DOMAIN && config.COGNITO_CLIENT_ID
      ? { kind: 'cognito', domain: config.COGNITO_DOMAIN.replace(/\/+$/, ''), clientId: config.COGNITO_CLIENT_ID }
      : { kind: 'headers' };
  const directory = config.USER_POOL_ID ? new CognitoDirectory(config.USER_POOL_ID) : undefined;
  const off: string[] = [];
  if (dashboard.kind === 'headers') off.push('dashboard sign-in (COGNITO_DOMAIN, COGNITO_CLIENT_ID)');
  if (!config.LINK_SECRET_ARN || !directory) off.push('email links (LINK_SECRET_ARN, USER_POOL_ID)');
  const slackFollowUps = config.SLACK_FOLLOW_UP_FUNCTION_NAME;
  if (!config.SLACK_SIGNING_SECRET_ARN || !directory || !slackFollowUps) {
    off.push('Slack interactions (SLACK_SIGNING_SECRET_ARN, USER_POOL_ID, SLACK_FOLLOW_UP_FUNCTION_NAME)');
  }
  if (off.length) logger.warn('channel routes off for lack of settings', { off });

  return channelRoutes({
    dashboard: { auth: dashboard, assets: bundledDashboardAssets() },
    ...(config.LINK_SECRET_ARN && directory
      ? {
          links: {
            ...deps,
            linkSecret: secretsManagerSecret(config.LINK_SECRET_ARN),
            nonces: new DynamoLinkNonces(createDocumentClient(), config.TABLE_NAME),
            directory,
          },
        }
      : {}),
    ...(config.SLACK_SIGNING_SECRET_ARN && directory && slackFollowUps
      ? {
          slack: {
            ...deps,
            signingSecret: secretsManagerSecret(config.SLACK_SIGNING_SECRET_ARN),
            directory,
            responseUrlPrefixes: SLACK_RESPONSE_URL_PREFIXES,
            followUps: lambdaSlackFollowUps(slackFollowUps),
          },
        }
      : {}),
  });
}
