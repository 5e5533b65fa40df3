import type { ApprovalSummary, ApprovalView } from '../../api/types.ts';

/** What a request asks for, in two words: "tool send_email" or "message". */
export function whatOf(approval: ApprovalSummary | ApprovalView): string {
  const action = approval.action;
  if (action.kind !== 'tool_call') return 'message';
  return `tool ${'toolCall' in action ? action.toolCall.name : action.tool}`;
}

/** A listed request's key arguments (or message) on one line, as the API's summary previews them. */
export function previewOf(summary: ApprovalSummary): string {
  const action = summary.action;
  if (action.kind !== 'tool_call') return action.textPreview;
  const shown = Object.entries(action.argsPreview).map(([key, value]) => `${key}: ${value}`);
  const hidden = action.argCount - shown.length;
  return shown.join(', ') + (hidden > 0 ? ` (+${hidden} more)` : '');
}

/** A webhook that failed for more than a day: the caller never heard the decision. */
export function gaveUp(approval: { delivery?: string }): string {
  return approval.delivery === 'gave_up' ? ' (webhook delivery gave up)' : '';
}

/** What the status line says once the API took a decision or a cancellation. */
export function deliveryNote(delivery: string | undefined): string {
  return delivery === 'delivered' ? '; the workflow goes on.' : '; the workflow will get it shortly.';
}
