import { Agent, RunState, Runner, tool } from '@openai/agents';
import { ScriptedModel, assistantMessage, functionCall, modelResponder } from '@openai/agents/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hitlClient, type HitlClient } from '#agents/hitl';
import { answerInterruptions, hitlNeedsApproval } from '#agents/openai-agents';
import { startLocalApp, type LocalApp } from '#local/app';
import { gatesModule } from '#local/gates-module';
import { GATES_DIR } from '../../lambdas/gates/gate-files.ts';
import { call } from '../support/http.ts';

const BOB = { 'x-user': 'bob', 'x-groups': 'approvers' };
let app: LocalApp;
let hitl: HitlClient;
let calls = 0;
const runner = new Runner({ tracingDisabled: true });

beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [gatesModule({ dir: GATES_DIR, env: {} })] });
  hitl = hitlClient({ baseUrl: app.url, headers: { 'x-user': 'refund-bot', 'x-groups': 'agents' }, waitSeconds: 5 });
});
afterAll(async () => app.close());

/** What one process builds at start: the tool, the agent, and a scripted model for the turns still to come. */
function refundAgent(script: ConstructorParameters<typeof ScriptedModel>[0]) {
  const refunds: unknown[] = [];
  const refund = tool({
    name: 'refund',
    description: 'Refunds an order.',
    parameters: z.object({ orderId: z.string(), amount: z.number(), country: z.string() }),
    needsApproval: hitlNeedsApproval(hitl, { gateId: 'refund-approval', toolName: 'refund', context: { facts: { channel: 'chat' } } }),
    execute: async (args) => {
      refunds.push(args);
      return `Refunded ${args.amount} on ${args.orderId}.`;
    },
  });
  const model = new ScriptedModel(script);
  const agent = new Agent({ name: 'Refunds', instructions: 'Refund broken orders.', tools: [refund], model });
  return { agent, model, refunds };
}

const asksForRefund = (callId: string) => [functionCall('refund', { orderId: 'A-1', amount: 120, country: 'DE' }, { callId })];
/** The model's last turn repeats the tool's output (or the rejection text) it was given. */
const repeatsToolOutput = modelResponder(({ request }) => {
  const items = request.input as { type?: string; output?: unknown }[];
  const output = [...items].reverse().find((i) => i.type === 'function_call_result')?.output;
  const text = typeof output === 'string' ? output : (output as { text?: string } | undefined)?.text;
  return [assistantMessage(`Tool said: ${text}`)];
});

/** The gate's pending requests in whole: a listing shows summaries, without the tool call's id. */
async function pendingRefunds(): Promise<{ id: string; action: { toolCall?: { id: string } } }[]> {
  const pending = await call(app.url, 'GET', '/approvals?workflow=gate:refund-approval', { as: BOB });
  const listed = (pending.body.items ?? []) as { id: string }[];
  return Promise.all(listed.map(async (item) => (await call(app.url, 'GET', `/approvals/${item.id}`, { as: BOB })).body));
}

async function pausedRun() {
  const callId = `call-${Date.now()}-${calls++}`;
  const first = refundAgent([asksForRefund(callId)]);
  const result = await runner.run(first.agent, 'Refund order A-1, it arrived broken.');
  const request = (await pendingRefunds()).find((r) => r.action.toolCall?.id === callId);
  return { first, result, requestId: request?.id, saved: result.state.toString() };
}

describe('an OpenAI Agents SDK tool behind a gate', () => {
  it('pauses the run with an interruption and a pending request, without running the tool', async () => {
    // Act
    const { first, result, requestId } = await pausedRun();

    // Assess
    expect(result.interruptions).toHaveLength(1);
    expect(result.interruptions[0]!.name).toBe('refund');
    expect(requestId).toBeDefined();
    const stored = await call(app.url, 'GET', `/approvals/${requestId}`, { as: BOB });
    expect(stored.body).toMatchObject({ status: 'pending', action: { toolCall: { name: 'refund', args: { orderId: 'A-1', amount: 120 } } }, context: { facts: { channel: 'chat' } } });
    expect(first.refunds).toEqual([]);
  });

  it('resumes a run restored from its saved state after a restart, and runs the approved tool once', async () => {
    // Prepare
    const { first, requestId, saved } = await pausedRun();
    const decided = await call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: BOB, body: { decision: 'approve' } });

    // Act: a new process builds the agent again and restores the run from the string alone.
    const restarted = refundAgent([repeatsToolOutput]);
    const state = await RunState.fromString(restarted.agent, saved);
    const verdicts = await answerInterruptions(state, { signal: AbortSignal.timeout(20_000) });
    const resumed = await runner.run(restarted.agent, state);

    // Assess
    expect(decided.status).toBe(200);
    expect(verdicts).toMatchObject([{ approved: true, approver: 'bob', requestId }]);
    expect(restarted.refunds).toEqual([{ orderId: 'A-1', amount: 120, country: 'DE' }]);
    expect(first.refunds).toEqual([]);
    expect(resumed.interruptions).toEqual([]);
    expect(resumed.finalOutput).toBe('Tool said: Refunded 120 on A-1.');
  });

  it('rejects the call with the approver\'s reason as the text the model sees', async () => {
    // Prepare
    const { requestId, saved } = await pausedRun();
    const restarted = refundAgent([repeatsToolOutput]);
    const state = await RunState.fromString(restarted.agent, saved);
    const answering = answerInterruptions(state, { signal: AbortSignal.timeout(20_000) });

    // Act
    const decided = await call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: BOB, body: { decision: 'reject', reason: 'Order was already refunded.' } });
    expect(decided.status).toBe(200);
    await answering;
    const resumed = await runner.run(restarted.agent, state);

    // Assess
    expect(restarted.refunds).toEqual([]);
    expect(resumed.finalOutput).toBe('Tool said: Not approved (rejected): Order was already refunded.');
  });

  it('rejects a call approved with edited arguments, telling the model the arguments the approver wants', async () => {
    // Prepare
    const { requestId, saved } = await pausedRun();
    await call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: BOB, body: { decision: 'approve', editedArgs: { orderId: 'A-1', amount: 80, country: 'DE' } } });
    const restarted = refundAgent([repeatsToolOutput]);
    const state = await RunState.fromString(restarted.agent, saved);

    // Act
    await answerInterruptions(state, { signal: AbortSignal.timeout(20_000) });
    const resumed = await runner.run(restarted.agent, state);

    // Assess
    expect(restarted.refunds).toEqual([]);
    expect(resumed.finalOutput).toContain('"amount":80');
  });
});
