import type { WebhookResponse, WebhookSender } from '#ports';

/**
 * POSTs with fetch and gives up after `timeoutMs`. Redirects are not followed: the URL the caller
 * registered (and the checks it passed) is the only one called.
 */
export const fetchWebhookSender: WebhookSender = {
  async post(url, body, headers, timeoutMs): Promise<WebhookResponse> {
    try {
      const response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      // The receiver's answer is not used; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status };
    } catch (error) {
      const name = (error as Error)?.name;
      return { status: 0, error: name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((error as Error)?.message ?? String(error)) };
    }
  },
};
