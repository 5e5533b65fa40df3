import type { GateInput } from '#core/gate-input';
import { HitlConfigSchema, type HitlConfigInput } from '#core/hitl-config';
import type { ApprovalRequest } from '#core/request';
import type { Clock } from '#ports';

export function hitl(overrides: Partial<HitlConfigInput> = {}) {
  return HitlConfigSchema.parse({ mode: 'confirm_tools', approvers: { users: [], groups: ['approvers'] }, ...overrides });
}

/** A pending request an agent (`agent-a`) opened at the refund-approval gate, with a message to approve. */
export function agentGateRequest(): ApprovalRequest {
  return {
    id: 'apr_aaaaaaaaaaaaaaaaaaaaaaaaaa',
    executionId: 'gate:refund-approval/apr_aaaaaaaaaaaaaaaaaaaaaaaaaa',
    workflowId: 'gate:refund-approval',
    nodeId: 'refund-approval',
    step: 'k1',
    mode: 'blocking',
    channel: 'async',
    action: { kind: 'message', text: 'hello' },
    context: { conversation: [], facts: {} },
    hitl: hitl({ mode: 'blocking' }),
    createdBy: 'agent-a',
    requestedBy: 'agent-a',
    status: 'pending',
    level: 0,
    createdAt: '2026-12-05T00:00:00Z',
    dueAt: '2026-12-05T00:30:00Z',
    events: [],
  };
}

let counter = 0;

/** A gate payload for a send_email tool call, unique per call unless `executionId` is given. */
export function gateInput(overrides: Partial<GateInput> = {}): GateInput {
  counter++;
  return {
    taskToken: `token-${counter}-${Math.random().toString(36).slice(2)}`,
    executionId: `arn:aws:states:local:000000000000:execution:approval-gate:exec-${counter}-${Date.now()}`,
    workflowId: 'support-agent',
    nodeId: 'agent',
    step: 'call-1',
    channel: 'async',
    hitl: hitl(),
    action: { kind: 'tool_call', toolCall: { id: 'call-1', name: 'send_email', args: { to: 'carol@example.com', subject: 'Refunds' } } },
    context: { conversation: [{ role: 'user', content: 'Email carol@example.com our refund policy' }], facts: {} },
    requestedBy: 'requester',
    ...overrides,
  };
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-11-25T10:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** The input of one execution of the approval-gate state machine: a send_email call waiting at node `agent`. */
export function approvalGateInput(options: {
  workflowId: string;
  hitl?: Partial<HitlConfigInput>;
  toolName?: string;
  args?: Record<string, unknown>;
  conversation?: { role: 'user' | 'assistant'; content: string }[];
  facts?: Record<string, unknown>;
  requestedBy?: string | null;
  gateTimeoutSeconds?: number;
}) {
  return {
    workflowId: options.workflowId,
    nodeId: 'agent',
    step: 'call-1',
    channel: 'async',
    hitl: hitl(options.hitl),
    action: { kind: 'tool_call', toolCall: { id: 'call-1', name: options.toolName ?? 'send_email', args: options.args ?? { to: 'carol@example.com', subject: 'Refunds' } } },
    context: { conversation: options.conversation ?? [{ role: 'user', content: 'Email carol@example.com our refund policy' }], facts: options.facts ?? {} },
    requestedBy: options.requestedBy === undefined ? 'alice' : options.requestedBy,
    gateTimeoutSeconds: options.gateTimeoutSeconds ?? 3600,
  };
}
