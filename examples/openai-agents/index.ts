/**
 * An OpenAI Agents SDK refund agent whose refund tool waits for a person. Start the API with
 * `npm start`, then run `npx tsx examples/openai-agents/index.ts`: it prints the request and the curl
 * that approves it. The model is the SDK's `ScriptedModel`, so no key or network is needed; drop
 * `model` to use OpenAI's. The run's state is saved as a string while it waits, as a server would
 * store it to survive a restart.
 */
import { Agent, RunState, Runner, tool } from '@openai/agents';
import { ScriptedModel, assistantMessage, functionCall, modelResponder } from '@openai/agents/testing';
import { z } from 'zod';
import { approvalHints, hitlClient } from '../../clients/agents/hitl.ts';
import { answerInterruptions, gatedInterruptions, hitlNeedsApproval } from '../../clients/agents/openai-agents.ts';

const hitl = hitlClient({ baseUrl: process.env.HITL_URL ?? 'http://127.0.0.1:3000', headers: { 'x-user': 'refund-bot', 'x-groups': 'agents' } });

const refund = tool({
  name: 'refund',
  description: 'Refunds an order.',
  parameters: z.object({ orderId: z.string(), amount: z.number(), country: z.string() }),
  needsApproval: hitlNeedsApproval(hitl, { gateId: 'refund-approval', toolName: 'refund' }),
  execute: async ({ orderId, amount }) => `Refunded ${amount} on ${orderId}.`,
});

const model = new ScriptedModel([
  [functionCall('refund', { orderId: 'A-1', amount: 120, country: 'DE' }, { callId: `call-${Date.now()}` })],
  modelResponder(({ request }) => {
    const result = (request.input as { type?: string; output?: { text?: string } | string }[]).findLast((i) => i.type === 'function_call_result');
    return [assistantMessage(`Done. The refund tool said: ${typeof result?.output === 'string' ? result.output : result?.output?.text}`)];
  }),
]);
const agent = new Agent({ name: 'Refunds', instructions: 'Refund broken orders.', tools: [refund], model });
const runner = new Runner({ tracingDisabled: true });

let result = await runner.run(agent, 'Refund order A-1, it arrived broken.');
while (result.interruptions.length > 0) {
  const saved = result.state.toString();
  for (const { requestId } of await gatedInterruptions(result.state)) {
    if (!requestId) continue;
    const hints = approvalHints(hitl.baseUrl, requestId);
    console.log(`Waiting for approval ${requestId}. Approve in the dashboard (${hints.dashboard}) or with:\n  ${hints.approveCurl}`);
  }
  // A server would store `saved` and come back to it later, in this process or another one.
  const state = await RunState.fromString<undefined, typeof agent>(agent, saved);
  const verdicts = await answerInterruptions(state);
  console.log(`Decided: ${verdicts.map((v) => v.status).join(', ')}`);
  result = await runner.run(agent, state);
}
console.log(result.finalOutput);
