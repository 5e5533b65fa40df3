import type { HitlConfigInput } from '#core/hitl-config';
import type { LocalApp } from '#local/app';
import type { ApprovalRequest } from '#core/request';
import { eventually } from './http.ts';
import { approvalGateInput } from './fixtures.ts';

/** Undoes quoted-printable, so links and text can be read from a raw message. */
export function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The approve and reject links of an approver email, read from its link lines as they stand in the raw message. */
export function decisionLinksIn(raw: string): { approve: string; reject: string } {
  const approve = raw.match(/^Approve: (https?:\/\/\S+\/links\/approve\.\S+)\r$/m)?.[1];
  const reject = raw.match(/^Reject: (https?:\/\/\S+\/links\/reject\.\S+)\r$/m)?.[1];
  if (!approve || !reject) throw new Error('no decision links in the message');
  return { approve, reject };
}

/** POSTs a form as a browser would. */
export function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

let counter = 0;

/** Starts a real execution of the approval-gate state machine and waits for its stored request. */
export async function pausedGate(
  app: LocalApp,
  options: { workflowId?: string; toolName?: string; hitl?: Partial<HitlConfigInput>; requestedBy?: string | null; args?: Record<string, unknown>; conversation?: { role: 'user' | 'assistant'; content: string }[] } = {},
): Promise<{ executionArn: string; request: ApprovalRequest; workflowId: string }> {
  counter++;
  const workflowId = options.workflowId ?? `channels-${counter}-${Date.now()}`;
  const { executionArn } = await app.engine.startExecution(
    app.stateMachines.approvalGate,
    approvalGateInput({ ...options, workflowId, facts: { tier: 'gold' } }),
  );
  const request = await eventually(async () => (await app.deps.store.listByExecution(executionArn))[0], 5_000, 'the gate to store its request');
  return { executionArn, request, workflowId };
}
