/** Slack's response_urls all live here; a signed payload pointing elsewhere is refused. */
export const SLACK_RESPONSE_URL_PREFIXES: readonly string[] = ['https://hooks.slack.com/'];

/** Posts a JSON message to a Slack URL (an incoming webhook or a response_url). */
export type SlackPost = (url: string, message: unknown) => Promise<void>;

/** How long one Slack call may take before it counts as failed. */
const TIMEOUT_MS = 3_000;

/** SlackPost over fetch; a non-2xx answer is an error carrying Slack's own words ("invalid_token", ...). */
export const fetchSlackPost: SlackPost = async (url, message) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text().catch(() => '');
  if (!response.ok) throw new Error(`Slack answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
};
