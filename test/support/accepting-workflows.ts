import type { Workflows } from '#ports';

/**
 * Workflows that accept every decision delivered to them (SendTaskSuccess or SendTaskFailure) and
 * record its task token, for tests of what the sweeper does around deliveries; nothing else is used.
 */
export function acceptingWorkflows(): { readonly workflows: Workflows; readonly accepted: string[] } {
  const accepted: string[] = [];
  const workflows: Workflows = {
    startExecution: () => Promise.reject(new Error('not used')),
    sendTaskSuccess: async (token) => void accepted.push(token),
    sendTaskFailure: async (token) => void accepted.push(token),
    describeExecution: () => Promise.reject(new Error('not used')),
  };
  return { workflows, accepted };
}
