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
  it('fails the execution at the gate with Hitl.DataLimitExceeded and the size, instead of truncating the state', async () => {
    const id = await startFlow(stack.app, 'support-agent', 'Email wes@example.com our refund policy');
    const failed = await executionIn(stack.app, id, 'failed');
    expect(failed.error).toBe('Hitl.DataLimitExceeded');
    expect(failed.cause).toMatch(/^the workflow state at gate "agent\.Gate" is \d{6} bytes; Step Functions carries at most 262144 bytes \(256 KB\)/);
    expect(failed.cause).not.toContain('trace');
    expect(failed.approvals).toEqual([]);
  });
});
