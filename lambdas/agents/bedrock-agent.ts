import type { ContentBlock, ConverseCommandInput, ConverseCommandOutput, Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { ConversationTurn, ToolCall } from '#core/action';
import { readToolOutcome, wasRefused } from '#core/flow-state';
import type { ToolSpec } from '../tools/tool.ts';
import type { AgentModel, AgentTurn } from './agent-model.ts';

/** The one Bedrock call this model makes; injected so tests stub it and the process shares one client (`bedrockConverse`). */
export type ConverseSend = (input: ConverseCommandInput) => Promise<ConverseCommandOutput>;

export interface BedrockAgentOptions {
  readonly send: ConverseSend;
  readonly modelId: string;
  readonly system?: string;
  readonly maxTokens?: number;
  readonly temperature?: number;
}

type Document = NonNullable<ContentBlock.ToolUseMember['toolUse']['input']>;

/**
 * An agent model on Amazon Bedrock's Converse API with tool use. Our conversation maps onto Converse
 * messages: tool calls become `toolUse` blocks of the assistant, tool outcomes `toolResult` blocks of
 * the next user message (Converse wants strictly alternating roles, so neighbours of one role merge).
 */
export class BedrockAgent implements AgentModel {
  constructor(private readonly options: BedrockAgentOptions) {}

  async next(conversation: readonly ConversationTurn[], tools: readonly ToolSpec[]): Promise<AgentTurn> {
    const response = await this.options.send(this.request(conversation, tools));
    const content = response.output?.message?.content ?? [];
    const text = content
      .map((block) => block.text ?? '')
      .join('')
      .trim();
    const toolCalls: ToolCall[] = content.flatMap((block) =>
      block.toolUse?.toolUseId && block.toolUse.name
        ? [{ id: block.toolUse.toolUseId, name: block.toolUse.name, args: (block.toolUse.input ?? {}) as Record<string, unknown> }]
        : [],
    );
    if (toolCalls.length > 0) return text ? { toolCalls, message: text } : { toolCalls };
    return { message: text };
  }

  /** The Converse request for a conversation; exported through the class for tests. */
  request(conversation: readonly ConversationTurn[], tools: readonly ToolSpec[]): ConverseCommandInput {
    const system: SystemContentBlock[] = [
      ...(this.options.system ? [{ text: this.options.system }] : []),
      ...conversation.filter((turn) => turn.role === 'system').map((turn) => ({ text: turn.content })),
    ];
    return {
      modelId: this.options.modelId,
      messages: toMessages(conversation),
      ...(system.length ? { system } : {}),
      ...(tools.length
        ? {
            toolConfig: {
              tools: tools.map((tool) => ({
                toolSpec: { name: tool.name, description: tool.description, inputSchema: { json: tool.inputSchema as Document } },
              })),
            },
          }
        : {}),
      inferenceConfig: {
        maxTokens: this.options.maxTokens ?? 1024,
        ...(this.options.temperature !== undefined ? { temperature: this.options.temperature } : {}),
      },
    };
  }
}

function toBlocks(turn: ConversationTurn): { role: 'user' | 'assistant'; blocks: ContentBlock[] } | undefined {
  switch (turn.role) {
    case 'user':
      return { role: 'user', blocks: [{ text: turn.content }] };
    case 'assistant': {
      const blocks: ContentBlock[] = turn.content ? [{ text: turn.content }] : [];
      for (const call of turn.toolCalls ?? []) blocks.push({ toolUse: { toolUseId: call.id, name: call.name, input: call.args as Document } });
      return blocks.length ? { role: 'assistant', blocks } : undefined;
    }
    case 'tool': {
      const outcome = readToolOutcome(turn);
      const failed = wasRefused(outcome) || outcome.status === 'error';
      return {
        role: 'user',
        blocks: [
          {
            toolResult: {
              toolUseId: turn.toolCallId ?? '',
              content: [{ json: outcome as unknown as Document }],
              status: failed ? 'error' : 'success',
            },
          },
        ],
      };
    }
    case 'system':
      return undefined;
  }
}

/** Converse messages: system turns go to `system`, and consecutive turns of one role share a message. */
export function toMessages(conversation: readonly ConversationTurn[]): Message[] {
  const messages: Message[] = [];
  for (const turn of conversation) {
    const mapped = toBlocks(turn);
    if (!mapped) continue;
    const last = messages.at(-1);
    if (last?.role === mapped.role) last.content = [...(last.content ?? []), ...mapped.blocks];
    else messages.push({ role: mapped.role, content: mapped.blocks });
  }
  return messages;
}
