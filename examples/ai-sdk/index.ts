/**
 * An AI SDK refund agent whose refund tool waits for a person. Start the API with `npm start`, then
 * run `npx tsx examples/ai-sdk/index.ts`: it prints the request and the curl that approves it. The
 * model is the SDK's `MockLanguageModelV4` (`ai/test`), so no key or network is needed; put your own
 * model in its place.
 */
import { generateText, tool, type ModelMessage } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { z } from 'zod';
import { hitlToolGate } from '../../clients/agents/ai-sdk.ts';
import { approvalHints, hitlClient } from '../../clients/agents/hitl.ts';

const hitl = hitlClient({ baseUrl: process.env.HITL_URL ?? 'http://127.0.0.1:3000', headers: { 'x-user': 'refund-bot', 'x-groups': 'agents' } });
const gate = hitlToolGate(hitl, { gateId: 'refund-approval', tools: ['refund'] });

const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };
const toolCallId = `call-${Date.now()}`;
const model = new MockLanguageModelV4({
  doGenerate: async ({ prompt }) => {
    const lastTool = prompt.findLast((m) => m.role === 'tool');
    if (!lastTool) {
      return { content: [{ type: 'tool-call', toolCallId, toolName: 'refund', input: JSON.stringify({ orderId: 'A-1', amount: 120, country: 'DE' }) }], finishReason: { unified: 'tool-calls', raw: undefined }, usage, warnings: [] };
    }
    return { content: [{ type: 'text', text: `Done. The refund tool said: ${JSON.stringify(lastTool.content.at(-1))}` }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] };
  },
});
const refund = tool({
  description: 'Refunds an order.',
  inputSchema: z.object({ orderId: z.string(), amount: z.number(), country: z.string() }),
  execute: async ({ orderId, amount }) => `Refunded ${amount} on ${orderId}.`,
});

const messages: ModelMessage[] = [{ role: 'user', content: 'Refund order A-1, it arrived broken.' }];
let result = await generateText({ model, tools: { refund }, toolApproval: gate.toolApproval, messages });
while (result.content.some((part) => part.type === 'tool-approval-request')) {
  messages.push(...result.responseMessages);
  for (const { requestId } of await gate.requests(result.content)) {
    if (!requestId) continue;
    const hints = approvalHints(hitl.baseUrl, requestId);
    console.log(`Waiting for approval ${requestId}. Approve in the dashboard (${hints.dashboard}) or with:\n  ${hints.approveCurl}`);
  }
  messages.push({ role: 'tool', content: await gate.responses(result.content) });
  result = await generateText({ model, tools: { refund }, toolApproval: gate.toolApproval, messages });
}
console.log(result.text);
