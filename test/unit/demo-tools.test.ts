import { describe, expect, it } from 'vitest';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { createDemoTools } from '../../lambdas/tools/demo-tools.ts';

describe('demo tools', () => {
  it('search ranks the policy whose title and keywords match first', async () => {
    const tools = createDemoTools({ mail: new MemoryMailSender() });
    const result = (await tools.get('search')!.run({ query: 'how long does shipping take', limit: 3 }, { idempotencyKey: 'k', executionId: 'e' })) as any;
    expect(result.results[0].id).toBe('shipping-policy');
    expect(((await tools.get('search')!.run({ query: 'zebra', limit: 3 }, { idempotencyKey: 'k', executionId: 'e' })) as any).results).toEqual([]);
  });

  it('send_email writes one RFC 5322 message with a To header, a subject and a text part', async () => {
    const mail = new MemoryMailSender('agent@example.com');
    const tools = createDemoTools({ mail });
    await tools.get('send_email')!.run({ to: 'carol@example.com', subject: 'Our refund policy', body: 'Within 30 days.' }, { idempotencyKey: 'apr_1', executionId: 'e1' });
    expect(mail.sent).toHaveLength(1);
    expect(mail.sent[0].raw).toMatch(/^To: carol@example\.com\r$/m);
    expect(mail.sent[0].raw).toMatch(/^Subject: Our refund policy\r$/m);
    expect(mail.sent[0].raw).toContain('Content-Type: text/plain; charset=UTF-8');
    expect(mail.sent[0].raw).toMatch(/^X-Hitl-Idempotency-Key: apr_1\r$/m);
  });

  it('describes the tools with JSON Schemas for the model', () => {
    const [search, email] = createDemoTools({ mail: new MemoryMailSender() }).specs(['search', 'send_email', 'unknown']);
    expect(search).toMatchObject({ name: 'search', inputSchema: { type: 'object', required: ['query'] } });
    expect(email.inputSchema).toMatchObject({ properties: { to: { format: 'email' } } });
  });
});
