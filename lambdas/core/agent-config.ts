import * as z from 'zod';
import { parseConfig } from './validation.ts';

const AgentEnvSchema = z.object({
  HITL_AGENT_GROUPS: z
    .string()
    .default('agents')
    .transform((text) => text.split(',').map((group) => group.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(128)).min(1, 'name at least one agent group')),
});

/** Whose members may ask gates over HTTP: HITL_AGENT_GROUPS (comma-separated), `agents` when unset. */
export function agentGroupsFrom(env: Readonly<Record<string, string | undefined>>): string[] {
  return parseConfig(AgentEnvSchema, env, 'gate configuration').HITL_AGENT_GROUPS;
}
