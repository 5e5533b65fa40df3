import type { RunContext, RunState, RunToolApprovalItem } from '@openai/agents';
import type { GateContext, HitlClient, HitlVerdict } from './hitl.ts';

export interface HitlApprovalOptions {
  readonly gateId: string;
  /** The tool's name, as the approver sees it (the SDK does not hand it to `needsApproval`). */
  readonly toolName: string;
  /** What the approver sees next to the call. Fixed per tool: asking again after a restart must send the same body. */
  readonly context?: GateContext;
}

interface GateBinding extends HitlApprovalOptions {
  readonly hitl: HitlClient;
}

type NeedsApproval = (runContext: RunContext<any>, input: any, callId?: string) => Promise<boolean>;

/** Which gate each `hitlNeedsApproval` function asks, so `answerInterruptions` asks the same one. */
const gates = new WeakMap<NeedsApproval, GateBinding>();

/**
 * A tool's `needsApproval`: asks the gate about each call and pauses the run (an interruption)
 * unless a `confirm_tools` policy allows the call at once. A call the policy denies pauses too, and
 * `answerInterruptions` rejects it with the policy's reason.
 */
export function hitlNeedsApproval(hitl: HitlClient, options: HitlApprovalOptions): NeedsApproval {
  const needsApproval: NeedsApproval = async (_runContext, input, callId) => {
    if (!callId) return true;
    const answer = await hitl.ask(askFor({ hitl, ...options }, callId, input));
    return answer.pending || !answer.verdict.approved;
  };
  gates.set(needsApproval, { hitl, ...options });
  return needsApproval;
}

function askFor(gate: GateBinding, callId: string, args: unknown) {
  return {
    gateId: gate.gateId,
    action: { kind: 'tool_call' as const, toolCall: { id: callId, name: gate.toolName, args: (args ?? {}) as Record<string, unknown> } },
    context: gate.context,
    // The model's call id names the call for good, so asking again after a restart finds the same request.
    idempotencyKey: `openai-agents:${gate.gateId}:${callId}`,
  };
}

interface GatedInterruption {
  readonly item: RunToolApprovalItem;
  readonly gate: GateBinding;
  /** The request a person decides; absent when a policy answered at once. */
  readonly requestId?: string;
  /** A policy's immediate answer. */
  readonly verdict?: HitlVerdict;
}

/**
 * The run's interruptions that a gate asked about, each with its request (asking again with the
 * call's key returns the request made before, also after a restart) or the policy's answer.
 */
export async function gatedInterruptions(state: Pick<RunState<any, any>, 'getInterruptions'>): Promise<GatedInterruption[]> {
  const found: GatedInterruption[] = [];
  for (const item of state.getInterruptions()) {
    const raw = item.rawItem;
    if (raw.type !== 'function_call') continue;
    const tool = (item.agent.tools as { name?: string; needsApproval?: unknown }[]).find((t) => t.name === (item.name ?? raw.name));
    const gate = typeof tool?.needsApproval === 'function' ? gates.get(tool.needsApproval as NeedsApproval) : undefined;
    if (!gate) continue;
    const answer = await gate.hitl.ask(askFor(gate, raw.callId, JSON.parse(raw.arguments || '{}')));
    found.push(answer.pending ? { item, gate, requestId: answer.requestId } : { item, gate, verdict: answer.verdict });
  }
  return found;
}

/**
 * Waits for a decision on each gated interruption of the run and answers it on the state: approve,
 * or reject with the reason as the text the model sees. Then run the agent again with the state. It
 * works on a state restored with `RunState.fromString` after a restart: asking again with the call's
 * key finds the request made before the restart.
 *
 * The SDK approves a call as the model made it; it has no way to change the arguments. An approval
 * with edited arguments therefore rejects the call, telling the model the arguments the approver
 * wants, so that it calls again (and that call asks the gate again).
 */
export async function answerInterruptions(state: RunState<any, any>, options: { readonly signal?: AbortSignal } = {}): Promise<HitlVerdict[]> {
  const verdicts: HitlVerdict[] = [];
  for (const { item, gate, requestId, verdict: policyVerdict } of await gatedInterruptions(state)) {
    const verdict = requestId ? await gate.hitl.waitForDecision(requestId, options) : policyVerdict!;
    if (verdict.approved && !verdict.editedArgs) state.approve(item);
    else state.reject(item, { message: rejectionMessage(verdict) });
    verdicts.push(verdict);
  }
  return verdicts;
}

function rejectionMessage(verdict: HitlVerdict): string {
  if (verdict.approved) return `The approver did not run this call as proposed; they approve these arguments instead: ${JSON.stringify(verdict.editedArgs)}`;
  return `Not approved (${verdict.status})${verdict.reason ? `: ${verdict.reason}` : '.'}`;
}
