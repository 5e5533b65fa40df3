import type { ApprovalRequest } from '#core/request';

/** How many of the latest conversation turns an approver sees, and how much of each. */
const LAST_TURNS = 6;
const TURN_CHARS = 600;
const ARGS_CHARS = 4_000;

export interface TurnSummary {
  readonly role: string;
  readonly content: string;
}

/**
 * What an approver needs to decide, the same in every channel: what the agent wants to do, where,
 * and the last turns of the conversation that led there. Long texts are cut so a message stays
 * readable (and within Slack's and mail clients' limits); the dashboard shows everything.
 */
export interface RequestSummary {
  readonly id: string;
  readonly workflowId: string;
  readonly nodeId: string;
  /** `tool send_email` or `message`. */
  readonly what: string;
  readonly toolName?: string;
  /** Pretty-printed tool arguments, or the message the agent wants to send. */
  readonly payload: string;
  readonly requestedBy?: string;
  readonly dueAt: string;
  readonly level: number;
  readonly turns: TurnSummary[];
  readonly facts: [string, string][];
}

export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function summarize(request: ApprovalRequest): RequestSummary {
  const action = request.action;
  const isTool = action.kind === 'tool_call';
  return {
    id: request.id,
    workflowId: request.workflowId,
    nodeId: request.nodeId,
    what: isTool ? `tool ${action.toolCall.name}` : 'message',
    ...(isTool ? { toolName: action.toolCall.name } : {}),
    payload: cut(isTool ? JSON.stringify(action.toolCall.args, null, 2) : action.text, ARGS_CHARS),
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    dueAt: request.dueAt,
    level: request.level,
    turns: request.context.conversation.slice(-LAST_TURNS).map((turn) => ({
      role: turn.role === 'tool' && turn.toolName ? `tool ${turn.toolName}` : turn.role,
      content: cut(turn.content, TURN_CHARS),
    })),
    facts: Object.entries(request.context.facts).map(([key, value]) => [key, cut(typeof value === 'string' ? value : JSON.stringify(value), 200)]),
  };
}
