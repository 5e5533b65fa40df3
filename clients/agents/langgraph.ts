import { createHash } from 'node:crypto';
import { Command, getConfig, interrupt } from '@langchain/langgraph';
import type { GateAction, GateContext, HitlClient, HitlVerdict } from './hitl.ts';

/** The value a node interrupts with; `resumeWhenDecided` finds pending requests by it. */
export interface HitlInterruptValue {
  readonly hitlRequestId: string;
  readonly gateId: string;
  readonly action: GateAction;
}

export interface HitlInterruptInput {
  readonly gateId: string;
  readonly action: GateAction;
  readonly context?: GateContext;
  /** @default derived from the thread id and the tool call id (or the message), so a replayed node asks once */
  readonly idempotencyKey?: string;
}

/**
 * Inside a graph node: asks the gate, pauses the thread with `interrupt()` until a person decides,
 * and returns the verdict. A policy's immediate answer returns at once without pausing. LangGraph
 * runs the node again from the top on resume; the idempotency key makes that second ask return the
 * same request instead of a new one.
 */
export async function hitlInterrupt(hitl: HitlClient, input: HitlInterruptInput): Promise<HitlVerdict> {
  const threadId = String(getConfig()?.configurable?.thread_id ?? '');
  const answer = await hitl.ask({ ...input, idempotencyKey: input.idempotencyKey ?? defaultKey(threadId, input) });
  if (!answer.pending) return answer.verdict;
  const value: HitlInterruptValue = { hitlRequestId: answer.requestId, gateId: input.gateId, action: input.action };
  return interrupt<HitlInterruptValue, HitlVerdict>(value);
}

function defaultKey(threadId: string, input: HitlInterruptInput): string {
  const what = input.action.kind === 'tool_call' ? input.action.toolCall.id : createHash('sha256').update(input.action.text).digest('hex').slice(0, 32);
  return `langgraph:${threadId}:${input.gateId}:${what}`;
}

type ThreadConfig = { configurable: { thread_id: string } };

/** What `resumeWhenDecided` needs of a compiled graph (with a checkpointer). */
export interface ResumableGraph {
  getState(config: ThreadConfig): Promise<{ readonly tasks: readonly { readonly interrupts: readonly { readonly id?: string; readonly value?: unknown }[] }[] }>;
  invoke(input: Command<unknown, never, never>, config: ThreadConfig): Promise<unknown>;
}

export interface PendingHitlInterrupt {
  readonly interruptId?: string;
  readonly value: HitlInterruptValue;
}

/** The thread's interrupts that wait for a hitl request. */
export async function pendingHitlInterrupts(graph: ResumableGraph, threadId: string): Promise<PendingHitlInterrupt[]> {
  const state = await graph.getState({ configurable: { thread_id: threadId } });
  return state.tasks.flatMap((task) => task.interrupts.filter((i) => isHitlValue(i.value)).map((i) => ({ interruptId: i.id, value: i.value as HitlInterruptValue })));
}

function isHitlValue(value: unknown): value is HitlInterruptValue {
  return typeof value === 'object' && value !== null && typeof (value as HitlInterruptValue).hitlRequestId === 'string';
}

export type ResumeResult =
  | { readonly resumed: true; readonly verdict: HitlVerdict; readonly output: unknown }
  /** Nothing waited any more: another caller resumed it first, or the thread has no hitl interrupt. */
  | { readonly resumed: false };

/**
 * Waits for the decision on the thread's pending hitl request, then resumes the thread with
 * `Command({ resume })`. Two callers in this process (a poller and a webhook, two workers) resume it
 * once: resumes of one thread run one at a time, and each checks that the interrupt still waits.
 * Across processes the checkpointer has no compare-and-set, so let one process own a thread.
 */
export async function resumeWhenDecided(graph: ResumableGraph, threadId: string, hitl: HitlClient, options: { readonly signal?: AbortSignal } = {}): Promise<ResumeResult> {
  const [first] = await pendingHitlInterrupts(graph, threadId);
  if (!first) return { resumed: false };
  const verdict = await hitl.waitForDecision(first.value.hitlRequestId, options);
  return oneAtATime(graph, threadId, async () => {
    const still = (await pendingHitlInterrupts(graph, threadId)).find((p) => p.value.hitlRequestId === first.value.hitlRequestId);
    if (!still) return { resumed: false };
    const resume = still.interruptId ? { [still.interruptId]: verdict } : verdict;
    const output = await graph.invoke(new Command({ resume }), { configurable: { thread_id: threadId } });
    return { resumed: true, verdict, output };
  });
}

const queues = new WeakMap<object, Map<string, Promise<unknown>>>();

function oneAtATime<T>(graph: object, threadId: string, work: () => Promise<T>): Promise<T> {
  const threads = queues.get(graph) ?? new Map<string, Promise<unknown>>();
  queues.set(graph, threads);
  const previous = threads.get(threadId) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  threads.set(threadId, next);
  void next.finally(() => threads.get(threadId) === next && threads.delete(threadId)).catch(() => undefined);
  return next;
}
