import { fetchSlackPost, SLACK_RESPONSE_URL_PREFIXES } from '../channels/slack/slack-http.ts';
import { createSweeperHandler } from '../handlers/sweeper.ts';
import { loadLambdaConfig } from '../config.ts';
import { awsDeps } from './aws-deps.ts';

const config = loadLambdaConfig();
export const handler = createSweeperHandler(
  awsDeps(config),
  { post: fetchSlackPost, responseUrlPrefixes: SLACK_RESPONSE_URL_PREFIXES },
  config.SWEEP_CONCURRENCY !== undefined ? { concurrency: config.SWEEP_CONCURRENCY } : {},
);
