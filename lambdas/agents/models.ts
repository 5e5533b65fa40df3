import type { AgentModelConfig } from '#core/flow';
import type { AgentModel } from './agent-model.ts';
import { BedrockAgent, type ConverseSend } from './bedrock-agent.ts';
import { ScriptedAgent } from './scripted-agent.ts';

/** Picks the model an agent node runs on. */
export interface AgentModels {
  modelFor(config: AgentModelConfig, system?: string): AgentModel;
}

const scripted = new ScriptedAgent();

/** Local mode and tests: every node runs the scripted agent, whatever its flow file names (no AWS here). */
export const scriptedModels: AgentModels = { modelFor: () => scripted };

/** On AWS: Bedrock nodes call Converse through `send`; scripted nodes stay scripted (the demo). */
export function bedrockModels(send: ConverseSend): AgentModels {
  return {
    modelFor: (config, system) =>
      config.provider === 'bedrock'
        ? new BedrockAgent({ send, modelId: config.modelId, maxTokens: config.maxTokens, ...(system ? { system } : {}), ...(config.temperature !== undefined ? { temperature: config.temperature } : {}) })
        : scripted,
  };
}
