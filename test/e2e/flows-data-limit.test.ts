import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentModels } from '../../lambdas/agents/models.ts';
import { executionIn, shippedFlows, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';
import { APPROVER, call } from '../support/http.ts';

/** A chatty model: every turn carries 90 KB of text, so the third turn's state would be above 256 KB. */
const chatty: AgentModels = {
  modelFor: () => ({
    next: async (conversation) => {
      const turns = conversation.filter((turn) => turn.role === 'assistant').length;
      const filler = `turn ${turns}: ${'x'.repeat(90_000)}`;
      if (turns < 2) return { message: filler, toolCalls: [{ id: `s${turns}`, name: 'search', args: { query: 'refund' } }] };
      if (turns === 2) return { message: filler, toolCalls: [{ id: 'mail', name: 'send_email', args: { to: 'wes@example.com', subject: 'Refunds', body: 'Hi' } }] };
      return { message: 'done' };
    },
  }),
};

/** A model whose tool call holds 300 KB in thousands of short strings: nothing in it is large enough to store apart. */
const scattered: AgentModels = {
  modelFor: () => ({
    next: async () => ({ toolCalls: [{ id: 's0', name: 'search', args: { query: 'refund', tags: Array.from({ length: 3_000 }, (_, i) => `${i}:${'t'.repeat(100)}`) } }] }),
  }),
};

let chattyStack: FlowsApp;
let scatteredStack: FlowsApp;
beforeAll(async () => {
  chattyStack = await startFlowsApp(shippedFlows(), { module: { models: chatty } });
  scatteredStack = await startFlowsApp(shippedFlows(), { module: { models: scattered } });
});
afterAll(async () => {
  await chattyStack?.close();
  await scatteredStack?.close();
});

describe('the Step Functions payload limit', () => {
  it('keeps the largest turns in the table when the conversation outgrows 256 KB, and pauses at the gate with all of it', async () => {
    const id = await startFlow(chattyStack.app, 'support-agent', 'Email wes@example.com our refund policy');
    const waiting = await executionIn(chattyStack.app, id, 'waiting_for_approval', 20_000);
    const request = await call(chattyStack.app.url, 'GET', `/approvals/${waiting.pendingApprovalIds[0]}`, { as: APPROVER });
    const assistant = request.body.checkpoint.state.conversation.filter((turn: { role: string }) => turn.role === 'assistant');
    expect(assistant.map((turn: { content: string }) => turn.content.slice(0, 7))).toEqual(['turn 0:', 'turn 1:', 'turn 2:']);
    expect(assistant.every((turn: { content: string }) => turn.content.length > 90_000)).toBe(true);
  });

  it('fails the execution with States.DataLimitExceeded at the state that grew too large when nothing in it can be stored apart, as on AWS, instead of truncating the state', async () => {
    const id = await startFlow(scatteredStack.app, 'support-agent', 'Email wes@example.com our refund policy');
    const failed = await executionIn(scatteredStack.app, id, 'failed', 20_000);
    // The local engine enforces the limit on every state, as Step Functions does, before the gate's own check.
    expect(failed.error).toBe('States.DataLimitExceeded');
    expect(failed.cause).toMatch(/^The state\/task 'agent\.\w+' (input|output) is \d{6} bytes, above the 262144 bytes \(256 KB\)/);
    expect(failed.cause).not.toContain('trace');
    expect(failed.approvals).toEqual([]);
  });
});
