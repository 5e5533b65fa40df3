import { describe, expect, it } from 'vitest';
import { fillTemplate, runHttpTool } from '../../lambdas/tools/http-tool.ts';
import { ToolCallError } from '../../lambdas/tools/tool-errors.ts';
import { StaticToolSecrets } from '../../lambdas/tools/tool-secrets.ts';
import { HttpToolSchema } from '../../lambdas/tools/tool-spec.ts';

const SECRET = 'sk_test_51HxYz';
const context = { idempotencyKey: 'req_123', executionId: 'exec-1' };
const http = HttpToolSchema.parse({ method: 'POST', url: 'https://api.example.com/orders/{orderId}/refunds', headers: { 'X-Api-Key': { secretRef: 'shop' }, 'X-Team': 'support' }, timeoutMs: 100 });

/** A fetch that answers with `statuses` in turn and records each request. */
function scripted(statuses: number[], body = '{"ok":true}') {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    const status = statuses[Math.min(requests.length - 1, statuses.length - 1)]!;
    return new Response(status === 204 ? null : body, { status });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

const deps = (fetch: typeof globalThis.fetch) => ({ fetch, secrets: new StaticToolSecrets({ shop: SECRET }), sleep: async () => undefined });

describe('HTTP tools', () => {
  it('sends the arguments as JSON with the idempotency key and the resolved secret header', async () => {
    const { fetch, requests } = scripted([200]);

    const result = await runHttpTool(deps(fetch), { name: 'refund_order', delivery: 'idempotent', http }, { orderId: 'A 1', amount: 5 }, context);

    expect(result).toEqual({ ok: true });
    expect(requests[0]!.url).toBe('https://api.example.com/orders/A%201/refunds');
    expect(requests[0]!.init.body).toBe('{"orderId":"A 1","amount":5}');
    expect(requests[0]!.init.headers).toMatchObject({ 'idempotency-key': 'req_123', 'x-api-key': SECRET, 'x-team': 'support' });
  });

  it('retries 5xx and 429 answers of an idempotent tool, under the same idempotency key', async () => {
    const { fetch, requests } = scripted([503, 429, 200]);

    await runHttpTool(deps(fetch), { name: 'refund_order', delivery: 'idempotent', http }, { orderId: 'A1' }, context);

    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => (r.init.headers as Record<string, string>)['idempotency-key']))).toEqual(new Set(['req_123']));
  });

  it('tries an at_most_once tool once, and reports the status without the secret', async () => {
    const { fetch, requests } = scripted([503, 200], `{"echo":"${SECRET}"}`);

    const failure = await runHttpTool(deps(fetch), { name: 'refund_order', delivery: 'at_most_once', http }, { orderId: 'A1' }, context).catch((error: unknown) => error);

    expect(requests).toHaveLength(1);
    expect(failure).toBeInstanceOf(ToolCallError);
    expect((failure as Error).message).toBe('refund_order answered HTTP 503');
    expect((failure as ToolCallError).mayHaveHappened).toBe(true);
  });

  it('does not retry a 4xx answer', async () => {
    const { fetch, requests } = scripted([400, 200]);

    await expect(runHttpTool(deps(fetch), { name: 'refund_order', delivery: 'idempotent', http }, {}, context)).rejects.toThrow('answered HTTP 400');
    expect(requests).toHaveLength(1);
  });

  it('gives up on an endpoint that does not answer within the timeout', async () => {
    const hanging = ((_url: string, init: RequestInit) =>
      new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as unknown as typeof globalThis.fetch;

    await expect(runHttpTool(deps(hanging), { name: 'refund_order', delivery: 'at_most_once', http }, {}, context)).rejects.toThrow('refund_order did not answer within 100 ms');
  });

  it('refuses an answer larger than the size limit', async () => {
    const { fetch } = scripted([200], 'x'.repeat(2_000));
    const small = { ...http, maxResponseBytes: 1_000 };

    await expect(runHttpTool(deps(fetch), { name: 'refund_order', delivery: 'at_most_once', http: small }, {}, context)).rejects.toThrow('answered with more than 1000 bytes');
  });

  it('names a missing secret without calling the endpoint', async () => {
    const { fetch, requests } = scripted([200]);

    await expect(runHttpTool({ fetch, secrets: new StaticToolSecrets() }, { name: 'refund_order', delivery: 'idempotent', http }, {}, context)).rejects.toThrow('its secret "shop" is not available');
    expect(requests).toHaveLength(0);
  });

  it('fills URL placeholders with encoded arguments', () => {
    expect(fillTemplate('https://x.test/{a}/{b}?q={c}', { a: 'a/b', b: 2 })).toBe('https://x.test/a%2Fb/2?q=');
  });
});
