import { generateText, tool, type ModelMessage } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hitlClient, type HitlClient } from '#agents/hitl';
import { hitlToolGate } from '#agents/ai-sdk';
import { startLocalApp, type LocalApp } from '#local/app';
import { gatesModule } from '#local/gates-module';
import { GATES_DIR } from '../../lambdas/gates/gate-files.ts';
import { call } from '../support/http.ts';

const BOB = { 'x-user': 'bob', 'x-groups': 'approvers' };
let app: LocalApp;
let hitl: HitlClient;
let calls = 0;

beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [gatesModule({ dir: GATES_DIR, env: {} })] });
  hitl = hitlClient({ baseUrl: app.url, headers: { 'x-user': 'refund-bot', 'x-groups': 'agents' }, waitSeconds: 5 });
});
afterAll(async () => app.close());

const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };

/**
 * A refund agent on the AI SDK's mock model: its first turn calls the refund tool, every later turn
 * answers with the last tool result it was shown.
 */
function refundAgent() {
  const toolCallId = `call-${Date.now()}-${calls++}`;
  const refunds: unknown[] = [];
  const model = new MockLanguageModelV4({
    doGenerate: async ({ prompt }) => {
      const lastTool = [...prompt].reverse().find((m) => m.role === 'tool');
      if (!lastTool) {
        return { content: [{ type: 'tool-call', toolCallId, toolName: 'refund', input: JSON.stringify({ orderId: 'A-1', amount: 120, country: 'DE' }) }], finishReason: { unified: 'tool-calls', raw: undefined }, usage, warnings: [] };
      }
      return { content: [{ type: 'text', text: `Tool said: ${JSON.stringify(lastTool.content.at(-1))}` }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] };
    },
  });
  const refund = tool({
    description: 'Refunds an order.',
    inputSchema: z.object({ orderId: z.string(), amount: z.number(), country: z.string() }),
    execute: async (args) => {
      refunds.push(args);
      return `Refunded ${args.amount} on ${args.orderId}.`;
    },
  });
  const gate = hitlToolGate(hitl, { gateId: 'refund-approval', tools: ['refund'] });
  const messages: ModelMessage[] = [{ role: 'user', content: 'Refund order A-1, it arrived broken.' }];
  const turn = () => generateText({ model, tools: { refund }, toolApproval: gate.toolApproval, messages });
  return { gate, messages, turn, refunds, toolCallId };
}

async function pausedTurn() {
  const agent = refundAgent();
  const first = await agent.turn();
  agent.messages.push(...first.responseMessages);
  const [request] = await agent.gate.requests(first.content);
  return { ...agent, first, requestId: request?.requestId };
}

describe('an AI SDK tool behind a gate', () => {
  it('turns the call into an approval request backed by a pending request, without running the tool', async () => {
    // Act
    const { first, requestId, refunds, toolCallId } = await pausedTurn();

    // Assess
    const approvals = first.content.filter((p) => p.type === 'tool-approval-request');
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({ reason: `Waiting for approval ${requestId} at gate refund-approval.`, toolCall: { toolCallId, toolName: 'refund' } });
    expect(approvals[0]).not.toHaveProperty('isAutomatic', true);
    const stored = await call(app.url, 'GET', `/approvals/${requestId}`, { as: BOB });
    expect(stored.body).toMatchObject({ status: 'pending', action: { toolCall: { id: toolCallId, name: 'refund', args: { amount: 120 } } } });
    expect(refunds).toEqual([]);
  });

  it('answers with an approval once approved, and the next turn runs the tool once', async () => {
    // Prepare
    const { gate, first, messages, turn, requestId, refunds } = await pausedTurn();
    const answering = gate.responses(first.content, { signal: AbortSignal.timeout(20_000) });

    // Act
    const decided = await call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: BOB, body: { decision: 'approve' } });
    expect(decided.status).toBe(200);
    const responses = await answering;
    messages.push({ role: 'tool', content: responses });
    const second = await turn();

    // Assess
    expect(responses).toMatchObject([{ type: 'tool-approval-response', approved: true, reason: 'Approved by bob.' }]);
    expect(refunds).toEqual([{ orderId: 'A-1', amount: 120, country: 'DE' }]);
    expect(second.text).toContain('Refunded 120 on A-1.');
  });

  it('answers with a denial carrying the approver\'s reason, which the model sees', async () => {
    // Prepare
    const { gate, first, messages, turn, requestId, refunds } = await pausedTurn();
    await call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: BOB, body: { decision: 'reject', reason: 'Order was already refunded.' } });

    // Act
    messages.push({ role: 'tool', content: await gate.responses(first.content, { signal: AbortSignal.timeout(20_000) }) });
    const second = await turn();

    // Assess
    expect(refunds).toEqual([]);
    expect(second.text).toContain('execution-denied');
    expect(second.text).toContain('Not approved (rejected): Order was already refunded.');
  });

  it('denies a call approved with edited arguments, telling the model the arguments the approver wants', async () => {
    // Prepare
    const { gate, first, messages, turn, requestId, refunds } = await pausedTurn();
    await call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: BOB, body: { decision: 'approve', editedArgs: { orderId: 'A-1', amount: 80, country: 'DE' } } });

    // Act
    messages.push({ role: 'tool', content: await gate.responses(first.content, { signal: AbortSignal.timeout(20_000) }) });
    const second = await turn();

    // Assess
    expect(refunds).toEqual([]);
    expect(second.text).toContain('\\"amount\\":80');
  });
});
