import type { ConverseCommandInput, ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import type { ConversationTurn } from '#core/action';
import { toolTurn } from '#core/flow-state';
import { BedrockAgent } from '../../lambdas/agents/bedrock-agent.ts';
import { parseRequest, ScriptedAgent } from '../../lambdas/agents/scripted-agent.ts';
import { createDemoTools } from '../../lambdas/tools/demo-tools.ts';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';

const tools = createDemoTools({ mail: new MemoryMailSender() }).specs(['search', 'send_email']);
const searchOnly = tools.filter((tool) => tool.name === 'search');
const found = { query: 'refund policy', results: [{ id: 'refund-policy', title: 'Refund policy', text: 'We refund any order within 30 days.' }] };

describe('scripted agent', () => {
  const agent = new ScriptedAgent();

  it('reads the recipients and the topic of an email request', () => {
    expect(parseRequest('Email alice@example.com our refund policy')).toEqual({ text: 'Email alice@example.com our refund policy', recipients: ['alice@example.com'], topic: 'refund policy' });
    expect(parseRequest('Please email a@x.io and b@y.io about the shipping policy.').recipients).toEqual(['a@x.io', 'b@y.io']);
    expect(parseRequest('Please email a@x.io and b@y.io about the shipping policy.').topic).toBe('shipping policy');
    expect(parseRequest('What is your warranty?').recipients).toEqual([]);
  });

  it('searches the topic, emails what it found, then says what it did', async () => {
    // Prepare
    const conversation: ConversationTurn[] = [{ role: 'user', content: 'Email alice@example.com our refund policy' }];
    // Act
    const first = await agent.next(conversation, tools);
    const search = (first as any).toolCalls[0];
    conversation.push({ role: 'assistant', content: '', toolCalls: [search] }, toolTurn(search, { status: 'ok', result: found }));
    const second = await agent.next(conversation, tools);
    const email = (second as any).toolCalls[0];
    conversation.push({ role: 'assistant', content: '', toolCalls: [email] }, toolTurn(email, { status: 'ok', result: { sent: true } }));
    const last = await agent.next(conversation, tools);
    // Assess
    expect(search).toEqual({ id: 'call_1_0', name: 'search', args: { query: 'refund policy', limit: 1 } });
    expect(email).toMatchObject({ name: 'send_email', args: { to: 'alice@example.com', subject: 'Our refund policy', body: expect.stringContaining('within 30 days') } });
    expect(last).toEqual({ message: 'I emailed alice@example.com our refund policy.' });
  });

  it('tells the user the reviewer’s reason verbatim and offers an alternative when the email is rejected', async () => {
    const search = { id: 's', name: 'search', args: { query: 'refund policy' } };
    const email = { id: 'e', name: 'send_email', args: { to: 'alice@example.com', subject: 'x', body: 'y' } };
    const reply = await agent.next(
      [
        { role: 'user', content: 'Email alice@example.com our refund policy' },
        { role: 'assistant', content: '', toolCalls: [search] },
        toolTurn(search, { status: 'ok', result: found }),
        { role: 'assistant', content: '', toolCalls: [email] },
        toolTurn(email, { status: 'rejected', reason: 'customer asked for a phone call instead', approver: 'bob' }),
      ],
      tools,
    );
    expect((reply as { message: string }).message).toContain('customer asked for a phone call instead');
    expect((reply as { message: string }).message).toContain('Instead, I can arrange a phone call');
  });

  it('answers other questions from search alone, and makes the same calls for the same conversation', async () => {
    const conversation: ConversationTurn[] = [{ role: 'user', content: 'What is your refund policy?' }];
    const first = await agent.next(conversation, searchOnly);
    expect(await agent.next(conversation, searchOnly)).toEqual(first);
    const call = (first as any).toolCalls[0];
    const answer = await agent.next([...conversation, { role: 'assistant', content: '', toolCalls: [call] }, toolTurn(call, { status: 'ok', result: found })], searchOnly);
    expect(answer).toEqual({ message: 'Here is our refund policy: We refund any order within 30 days.' });
  });
});

describe('Bedrock agent (Converse with tool use, stubbed client)', () => {
  function stubbed(reply: ConverseCommandOutput['output']) {
    const sent: ConverseCommandInput[] = [];
    const agent = new BedrockAgent({
      modelId: 'anthropic.claude-3-5-haiku',
      system: 'Be brief.',
      send: async (input) => {
        sent.push(input);
        return { output: reply, stopReason: 'end_turn', $metadata: {} } as ConverseCommandOutput;
      },
    });
    return { agent, sent };
  }

  it('turns toolUse blocks into tool calls', async () => {
    const { agent } = stubbed({ message: { role: 'assistant', content: [{ text: 'Looking it up.' }, { toolUse: { toolUseId: 'tu-1', name: 'search', input: { query: 'refunds' } } }] } });
    expect(await agent.next([{ role: 'user', content: 'refunds?' }], tools)).toEqual({ message: 'Looking it up.', toolCalls: [{ id: 'tu-1', name: 'search', args: { query: 'refunds' } }] });
  });

  it('turns a text reply into the answer', async () => {
    const { agent } = stubbed({ message: { role: 'assistant', content: [{ text: 'Within 30 days.' }] } });
    expect(await agent.next([{ role: 'user', content: 'refunds?' }], tools)).toEqual({ message: 'Within 30 days.' });
  });

  it('sends the conversation as alternating messages with tool results, the system prompt and the tool specs', async () => {
    const { agent, sent } = stubbed({ message: { role: 'assistant', content: [{ text: 'ok' }] } });
    const a = { id: 'tu-1', name: 'search', args: { query: 'refunds' } };
    const b = { id: 'tu-2', name: 'send_email', args: { to: 'x@example.com', subject: 's', body: 'b' } };
    await agent.next(
      [
        { role: 'user', content: 'refunds?' },
        { role: 'assistant', content: '', toolCalls: [a, b] },
        toolTurn(a, { status: 'ok', result: found }),
        toolTurn(b, { status: 'rejected', reason: 'no', approver: 'bob' }),
      ],
      tools,
    );
    const input = sent[0];
    expect(input.modelId).toBe('anthropic.claude-3-5-haiku');
    expect(input.system).toEqual([{ text: 'Be brief.' }]);
    expect(input.messages?.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(input.messages?.[1].content?.map((block) => block.toolUse?.toolUseId)).toEqual(['tu-1', 'tu-2']);
    expect(input.messages?.[2].content?.map((block) => [block.toolResult?.toolUseId, block.toolResult?.status])).toEqual([
      ['tu-1', 'success'],
      ['tu-2', 'error'],
    ]);
    expect(input.toolConfig?.tools?.map((tool) => tool.toolSpec?.name)).toEqual(['search', 'send_email']);
    expect(input.toolConfig?.tools?.[1].toolSpec?.inputSchema?.json).toMatchObject({ type: 'object', required: ['to', 'subject', 'body'] });
  });
});
