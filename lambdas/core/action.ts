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

/** The longest text an approval request holds (its action and each context turn), so its item stays small. */
export const MAX_REQUEST_TEXT_CHARS = 100_000;
/**
 * The longest text in a flow's state. Large texts travel as references to stored values (see
 * `payload-ref.ts`), so this bounds what one model turn or tool result may be, not the state.
 */
export const MAX_FLOW_TEXT_CHARS = 4_000_000;

function actionSchema(maxChars: number) {
  return z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('message'), text: z.string().max(maxChars) }).strict(),
    z.object({ kind: z.literal('tool_call'), toolCall: ToolCallSchema }).strict(),
  ]);
}

/** What the agent is about to do at a node: say something, or call a tool. */
export const AgentActionSchema = actionSchema(MAX_REQUEST_TEXT_CHARS);
export type AgentAction = z.infer<typeof AgentActionSchema>;
/** An action in a flow's state, before its gate stores it on a request. */
export const FlowActionSchema = actionSchema(MAX_FLOW_TEXT_CHARS);

function turnSchema(maxChars: number) {
  return z
    .object({
      role: z.enum(['user', 'assistant', 'tool', 'system']),
      content: z.string().max(maxChars),
      toolCalls: z.array(ToolCallSchema).optional(),
      toolCallId: z.string().optional(),
      toolName: z.string().optional(),
    })
    .strict();
}

export const ConversationTurnSchema = turnSchema(MAX_REQUEST_TEXT_CHARS);
export type ConversationTurn = z.infer<typeof ConversationTurnSchema>;
/** A turn of a flow's conversation: what the model and tools said, whole. */
export const FlowTurnSchema = turnSchema(MAX_FLOW_TEXT_CHARS);
