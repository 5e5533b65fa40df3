import * as z from 'zod';
import { groupListEnv } from './group-list.ts';
import { parseConfig } from './validation.ts';

const AgentEnvSchema = z.object({
  HITL_AGENT_GROUPS: groupListEnv('agents', 'agent'),
});

/** Whose members may ask gates over HTTP: HITL_AGENT_GROUPS (comma-separated), `agents` when unset. */
export function agentGroupsFrom(env: Readonly<Record<string, string | undefined>>): string[] {
  return parseConfig(AgentEnvSchema, env, 'gate configuration').HITL_AGENT_GROUPS;
}
