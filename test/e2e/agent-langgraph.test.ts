import { AIMessage, AIMessageChunk, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { FakeChatModel, FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { END, MemorySaver, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hitlClient, type HitlClient } from '#agents/hitl';
import { hitlInterrupt, pendingHitlInterrupts, resumeWhenDecided } from '#agents/langgraph';
import { startLocalApp, type LocalApp } from '#local/app';
import { gatesModule } from '#local/gates-module';
import { GATES_DIR } from '../../lambdas/gates/gate-files.ts';
import { call } from '../support/http.ts';

const BOB = { 'x-user': 'bob', 'x-groups': 'approvers' };
const CAROL = { 'x-user': 'carol', 'x-groups': 'approvers' };
let app: LocalApp;
let hitl: HitlClient;
let threads = 0;

beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [gatesModule({ dir: GATES_DIR, env: {} })] });
  hitl = hitlClient({ baseUrl: app.url, headers: { 'x-user': 'refund-bot', 'x-groups': 'agents' }, waitSeconds: 5 });
});
afterAll(async () => app.close());

/**
 * A refund agent: a scripted model asks for the refund tool, a review node puts the call to the
 * `refund-approval` gate, and an echoing model answers with everything it was shown.
 */
function refundAgent() {
  const refunds: Record<string, unknown>[] = [];
  const planner = new FakeStreamingChatModel({
    chunks: [new AIMessageChunk({ content: '', tool_calls: [{ id: 'call-1', name: 'refund', args: { orderId: 'A-1', amount: 120, country: 'DE' } }] })],
  });
  const answerer = new FakeChatModel({});
  const graph = new StateGraph(MessagesAnnotation)
    .addNode('plan', async (state) => ({ messages: [await planner.invoke(state.messages)] }))
    .addNode('review', async (state) => {
      const last = state.messages.at(-1) as AIMessage;
      const toolCall = last.tool_calls![0]!;
      const verdict = await hitlInterrupt(hitl, {
        gateId: 'refund-approval',
        action: { kind: 'tool_call', toolCall: { id: toolCall.id!, name: toolCall.name, args: toolCall.args } },
        context: { conversation: [{ role: 'user', content: 'Refund order A-1, it arrived broken.' }] },
      });
      if (!verdict.approved) return { messages: [new ToolMessage({ tool_call_id: toolCall.id!, content: `Not approved: ${verdict.reason}` })] };
      const args = verdict.editedArgs ?? toolCall.args;
      refunds.push(args);
      return { messages: [new ToolMessage({ tool_call_id: toolCall.id!, content: `Refunded ${args.amount} on ${args.orderId}.` })] };
    })
    .addNode('answer', async (state) => ({ messages: [await answerer.invoke(state.messages)] }))
    .addEdge(START, 'plan')
    .addEdge('plan', 'review')
    .addEdge('review', 'answer')
    .addEdge('answer', END)
    .compile({ checkpointer: new MemorySaver() });
  return { graph, refunds };
}

async function startThread() {
  const agent = refundAgent();
  const threadId = `thread-${Date.now()}-${threads++}`;
  await agent.graph.invoke({ messages: [{ role: 'user', content: 'Refund order A-1, it arrived broken.' }] }, { configurable: { thread_id: threadId } });
  const [pending] = await pendingHitlInterrupts(agent.graph, threadId);
  return { ...agent, threadId, requestId: pending!.value.hitlRequestId };
}

const lastText = (output: unknown) => String(((output as { messages: BaseMessage[] }).messages.at(-1) as BaseMessage).content);

describe('a LangGraph node behind a gate', () => {
  it('pauses on a pending request the approvers see, naming the tool call', async () => {
    // Act
    const { requestId, refunds } = await startThread();

    // Assess
    const stored = await call(app.url, 'GET', `/approvals/${requestId}`, { as: BOB });
    expect(stored.body).toMatchObject({ status: 'pending', gateId: 'refund-approval', action: { toolCall: { id: 'call-1', name: 'refund', args: { amount: 120 } } } });
    expect(refunds).toEqual([]);
  });

  it('resumes after an approval with the edited arguments, and runs the tool once', async () => {
    // Prepare
    const { graph, threadId, requestId, refunds } = await startThread();
    const resuming = resumeWhenDecided(graph, threadId, hitl, { signal: AbortSignal.timeout(20_000) });

    // Act
    const decided = await call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: BOB, body: { decision: 'approve', editedArgs: { orderId: 'A-1', amount: 80, country: 'DE' } } });
    expect(decided.status).toBe(200);
    const result = await resuming;

    // Assess
    expect(result).toMatchObject({ resumed: true, verdict: { approved: true, approver: 'bob' } });
    expect(refunds).toEqual([{ orderId: 'A-1', amount: 80, country: 'DE' }]);
    expect(lastText(result.resumed && result.output)).toContain('Refunded 80 on A-1.');
    expect(await pendingHitlInterrupts(graph, threadId)).toEqual([]);
  });

  it('resumes after a rejection, and the model sees the reason instead of a refund', async () => {
    // Prepare
    const { graph, threadId, requestId, refunds } = await startThread();

    // Act
    await call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: BOB, body: { decision: 'reject', reason: 'Order was already refunded.' } });
    const result = await resumeWhenDecided(graph, threadId, hitl);

    // Assess
    expect(result).toMatchObject({ resumed: true, verdict: { approved: false, status: 'rejected', reason: 'Order was already refunded.' } });
    expect(refunds).toEqual([]);
    expect(lastText(result.resumed && result.output)).toContain('Not approved: Order was already refunded.');
  });

  it('resumes once when two approvers decide at the same moment and two workers wait to resume', async () => {
    // Prepare
    const { graph, threadId, requestId, refunds } = await startThread();
    const signal = AbortSignal.timeout(20_000);
    const workers = [resumeWhenDecided(graph, threadId, hitl, { signal }), resumeWhenDecided(graph, threadId, hitl, { signal })];

    // Act
    const decisions = await Promise.all([
      call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: BOB, body: { decision: 'approve' } }),
      call(app.url, 'POST', `/approvals/${requestId}/respond`, { as: CAROL, body: { decision: 'reject', reason: 'Too large.' } }),
    ]);
    const results = await Promise.all(workers);

    // Assess
    expect(decisions.map((d) => d.status).sort()).toEqual([200, 409]);
    const winner = decisions[0]!.status === 200 ? 'approved' : 'rejected';
    expect(results.filter((r) => r.resumed)).toHaveLength(1);
    expect(results.find((r) => r.resumed)).toMatchObject({ verdict: { status: winner } });
    expect(refunds).toHaveLength(winner === 'approved' ? 1 : 0);
    const history = await graph.getStateHistory({ configurable: { thread_id: threadId } });
    const answers: string[] = [];
    for await (const snapshot of history) if (snapshot.metadata?.source === 'loop' && snapshot.next.length === 0) answers.push(lastText(snapshot.values));
    expect(answers).toHaveLength(1);
  });
});
