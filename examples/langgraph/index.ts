/**
 * A LangGraph refund agent whose refund tool waits for a person. Start the API with `npm start`, then
 * run `npx tsx examples/langgraph/index.ts`: it prints the request and the curl that approves it.
 * The model is LangGraph's scripted test model, so no key or network is needed; put your own model
 * in `plan` and `answer`.
 */
import { AIMessageChunk, ToolMessage, type AIMessage } from '@langchain/core/messages';
import { FakeChatModel, FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { END, MemorySaver, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { approvalHints, hitlClient } from '../../clients/agents/hitl.ts';
import { hitlInterrupt, pendingHitlInterrupts, resumeWhenDecided } from '../../clients/agents/langgraph.ts';

const hitl = hitlClient({ baseUrl: process.env.HITL_URL ?? 'http://127.0.0.1:3000', headers: { 'x-user': 'refund-bot', 'x-groups': 'agents' } });

const planner = new FakeStreamingChatModel({
  chunks: [new AIMessageChunk({ content: '', tool_calls: [{ id: `call-${Date.now()}`, name: 'refund', args: { orderId: 'A-1', amount: 120, country: 'DE' } }] })],
});
const answerer = new FakeChatModel({});

const graph = new StateGraph(MessagesAnnotation)
  .addNode('plan', async (state) => ({ messages: [await planner.invoke(state.messages)] }))
  .addNode('review', async (state) => {
    const call = (state.messages.at(-1) as AIMessage).tool_calls![0]!;
    const verdict = await hitlInterrupt(hitl, {
      gateId: 'refund-approval',
      action: { kind: 'tool_call', toolCall: { id: call.id!, name: call.name, args: call.args } },
      context: { conversation: [{ role: 'user', content: 'Refund order A-1, it arrived broken.' }] },
    });
    const args = verdict.editedArgs ?? call.args;
    const content = verdict.approved ? `Refunded ${args.amount} on ${args.orderId}.` : `Not approved: ${verdict.reason}`;
    return { messages: [new ToolMessage({ tool_call_id: call.id!, content })] };
  })
  .addNode('answer', async (state) => ({ messages: [await answerer.invoke(state.messages)] }))
  .addEdge(START, 'plan')
  .addEdge('plan', 'review')
  .addEdge('review', 'answer')
  .addEdge('answer', END)
  .compile({ checkpointer: new MemorySaver() });

const threadId = `refund-${Date.now()}`;
await graph.invoke({ messages: [{ role: 'user', content: 'Refund order A-1, it arrived broken.' }] }, { configurable: { thread_id: threadId } });
const [pending] = await pendingHitlInterrupts(graph, threadId);
if (pending) {
  const hints = approvalHints(hitl.baseUrl, pending.value.hitlRequestId);
  console.log(`Waiting for approval ${pending.value.hitlRequestId}. Approve in the dashboard (${hints.dashboard}) or with:\n  ${hints.approveCurl}`);
}
const result = await resumeWhenDecided(graph, threadId, hitl);
if (result.resumed) console.log(`Decided (${result.verdict.status}); the agent answered:\n${String((result.output as typeof MessagesAnnotation.State).messages.at(-1)?.content)}`);
