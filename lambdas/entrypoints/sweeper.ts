import { fetchSlackPost, SLACK_RESPONSE_URL_PREFIXES } from '../channels/slack/slack-http.ts';
import { createSweeperHandler } from '../handlers/sweeper.ts';
import { awsDeps } from './aws-deps.ts';

export const handler = createSweeperHandler(awsDeps(), { post: fetchSlackPost, responseUrlPrefixes: SLACK_RESPONSE_URL_PREFIXES });
