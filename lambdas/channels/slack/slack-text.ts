/** Escapes text for Slack mrkdwn: `&`, `<` and `>` are control characters (links, mentions). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text for a ``` block: escaped, and without ``` that would end the block early. */
export function slackCode(text: string): string {
  return escapeSlack(text).replace(/```/g, '`\u200b``');
}
