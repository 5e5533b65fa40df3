import type { ApprovalView } from '../../api/types.ts';

/** The arguments the tool ran with (its `executed` event, schema defaults filled in), once it ran. */
export function executedArgsOf(approval: Pick<ApprovalView, 'events'>): Record<string, unknown> | undefined {
  const args = approval.events.find((event) => event.type === 'executed')?.detail?.args;
  return typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : undefined;
}
