import type { ConversationTurn, ToolCall } from '#core/action';
import type { ToolSpec } from '../tools/tool.ts';

/** One model turn: an answer for the user, or tool calls to make first (with optional text). */
export type AgentTurn = { readonly message: string } | { readonly toolCalls: ToolCall[]; readonly message?: string };

/**
 * A model behind an agent node. It sees the conversation so far (user, assistant and tool turns) and
 * the tools it may call, and says what to do next. Implementations: Bedrock Converse, and a scripted
 * model for local mode, tests and the demo.
 */
export interface AgentModel {
  next(conversation: readonly ConversationTurn[], tools: readonly ToolSpec[]): Promise<AgentTurn>;
}

export function isToolTurn(turn: AgentTurn): turn is { toolCalls: ToolCall[]; message?: string } {
  return 'toolCalls' in turn && turn.toolCalls.length > 0;
}
