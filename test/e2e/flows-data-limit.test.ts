import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentModels } from '../../lambdas/agents/models.ts';
import { executionIn, shippedFlows, startFlow, startFlowsApp, type FlowsApp } from '../support/flows.ts';

/** A chatty model: every turn carries 90 KB of text, so the third turn's state is above 256 KB. */
const chatty: AgentModels = {
  modelFor: () => ({
    next: async (conversation) => {
      const turns = conversation.filter((turn) => turn.role === 'assistant').length;
      const filler = 'x'.repeat(90_000);
      if (turns < 2) return { message: filler, toolCalls: [{ id: `s${turns}`, name: 'search', args: { query: 'refund' } }] };
      if (turns === 2) return { message: filler, toolCalls: [{ id: 'mail', name: 'send_email', args: { to: 'wes@example.com', subject: 'Refunds', body: 'Hi' } }] };
      return { message: 'done' };
    },
  }),
};

let stack: FlowsApp;
beforeAll(async () => {
  stack = await startFlowsApp(shippedFlows(), { module: { models: chatty } });
});
afterAll(async () => stack.close());

describe('the Step Functions payload limit', () => {
  it('fails the execution with States.DataLimitExceeded at the state that grew too large, as on AWS, instead of truncating the state', async () => {
    const id = await startFlow(stack.app, 'support-agent', 'Email wes@example.com our refund policy');
    const failed = await executionIn(stack.app, id, 'failed');
    // The local engine enforces the limit on every state, as Step Functions does, before the gate's own check.
    expect(failed.error).toBe('States.DataLimitExceeded');
    expect(failed.cause).toMatch(/^The state\/task 'agent\.\w+' (input|output) is \d{6} bytes, above the 262144 bytes \(256 KB\)/);
    expect(failed.cause).not.toContain('trace');
    expect(failed.approvals).toEqual([]);
  });
});
