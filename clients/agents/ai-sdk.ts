import type { ToolApprovalResponse, ToolApprovalStatus } from 'ai';
import type { GateContext, HitlClient, HitlVerdict } from './hitl.ts';

export interface HitlToolGateOptions {
  readonly gateId: string;
  /** The tools whose calls ask the gate; other tools run without approval. */
  readonly tools: readonly string[];
  /** What the approver sees next to the call. Fixed: answering asks again with the same body. */
  readonly context?: GateContext;
}

interface ToolCallLike {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly input: unknown;
}

/** The parts of `result.content` (or of a step) that `responses` reads. */
export type ContentPart = { readonly type: string; readonly approvalId?: string; readonly isAutomatic?: boolean; readonly toolCall?: ToolCallLike };

export interface HitlToolGate {
  /** Pass as `toolApproval` to `generateText`, `streamText` or `ToolLoopAgent`. */
  readonly toolApproval: (options: { readonly toolCall: ToolCallLike }) => Promise<ToolApprovalStatus>;
  /**
   * Waits for the decision on each approval request in `content` and returns the responses to
   * append as `{ role: 'tool', content: responses }` before calling the model again.
   */
  responses(content: readonly ContentPart[], options?: { readonly signal?: AbortSignal }): Promise<ToolApprovalResponse[]>;
  /** The request behind each approval request in `content` (to show where to click). */
  requests(content: readonly ContentPart[]): Promise<{ readonly approvalId: string; readonly requestId?: string; readonly verdict?: HitlVerdict }[]>;
}

/**
 * Tool approval for the AI SDK driven by a gate: a call to one of `tools` asks the gate; a pending
 * request becomes a `user-approval` request, and a `confirm_tools` policy's immediate answer an
 * automatic approval or denial with the policy's reason.
 *
 * The AI SDK approves a call as the model made it: an approval response cannot change the input.
 * An approval with edited arguments is therefore answered as a denial whose reason names the
 * arguments the approver wants, so that the model calls again (and that call asks the gate again).
 */
export function hitlToolGate(hitl: HitlClient, options: HitlToolGateOptions): HitlToolGate {
  const ask = (toolCall: ToolCallLike) =>
    hitl.ask({
      gateId: options.gateId,
      action: { kind: 'tool_call', toolCall: { id: toolCall.toolCallId, name: toolCall.toolName, args: (toolCall.input ?? {}) as Record<string, unknown> } },
      context: options.context,
      // The model's call id names the call for good: asking again while answering finds the same request.
      idempotencyKey: `ai-sdk:${options.gateId}:${toolCall.toolCallId}`,
    });

  const pendingParts = (content: readonly ContentPart[]) =>
    content.filter((p): p is ContentPart & { approvalId: string; toolCall: ToolCallLike } => p.type === 'tool-approval-request' && !p.isAutomatic && !!p.approvalId && !!p.toolCall && options.tools.includes(p.toolCall.toolName));

  async function requests(content: readonly ContentPart[]) {
    const found = [];
    for (const part of pendingParts(content)) {
      const answer = await ask(part.toolCall);
      found.push(answer.pending ? { approvalId: part.approvalId, requestId: answer.requestId } : { approvalId: part.approvalId, verdict: answer.verdict });
    }
    return found;
  }

  return {
    async toolApproval({ toolCall }) {
      if (!options.tools.includes(toolCall.toolName)) return undefined;
      const answer = await ask(toolCall);
      if (answer.pending) return { type: 'user-approval', reason: `Waiting for approval ${answer.requestId} at gate ${options.gateId}.` };
      return { type: answer.verdict.approved ? 'approved' : 'denied', reason: answer.verdict.reason };
    },
    requests,
    async responses(content, waitOptions = {}) {
      const responses: ToolApprovalResponse[] = [];
      for (const { approvalId, requestId, verdict: policyVerdict } of await requests(content)) {
        const verdict = requestId ? await hitl.waitForDecision(requestId, waitOptions) : policyVerdict!;
        responses.push({ type: 'tool-approval-response', approvalId, ...answerFor(verdict) });
      }
      return responses;
    },
  };
}

function answerFor(verdict: HitlVerdict): { approved: boolean; reason?: string } {
  if (verdict.approved && !verdict.editedArgs) return { approved: true, reason: verdict.approver ? `Approved by ${verdict.approver}.` : undefined };
  if (verdict.approved) return { approved: false, reason: `The approver did not run this call as proposed; they approve these arguments instead: ${JSON.stringify(verdict.editedArgs)}` };
  return { approved: false, reason: `Not approved (${verdict.status})${verdict.reason ? `: ${verdict.reason}` : '.'}` };
}
