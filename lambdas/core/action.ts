import * as z from 'zod';
import { storable } from './storable.ts';

export const ToolCallSchema = z
  .object({
    /** Id the model gave the call; ties the tool result back to it. */
    id: z.string().min(1).max(128),
    name: z.string().min(1).max(128),
    args: z.record(z.string(), z.unknown()).superRefine(storable()).default({}),
  })
  .strict();
export type ToolCall = z.infer<typeof ToolCallSchema>;

/** What the agent is about to do at a node: say something, or call a tool. */
export const AgentActionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('message'), text: z.string().max(100_000) }).strict(),
  z.object({ kind: z.literal('tool_call'), toolCall: ToolCallSchema }).strict(),
]);
export type AgentAction = z.infer<typeof AgentActionSchema>;

export const ConversationTurnSchema = z
  .object({
    role: z.enum(['user', 'assistant', 'tool', 'system']),
    content: z.string().max(100_000),
    toolCalls: z.array(ToolCallSchema).optional(),
    toolCallId: z.string().optional(),
    toolName: z.string().optional(),
  })
  .strict();
export type ConversationTurn = z.infer<typeof ConversationTurnSchema>;
