import { agentRequestId, assertWebhookUrl, bodyHashOf, type AgentRequestBody } from '#core/agent-request';
import { IdempotencyConflictError, NotFoundError } from '#core/errors';
import { gateWorkflowId } from '#core/gate';
import { timeoutAtLevel } from '#core/hitl-config';
import type { Identity } from '#core/identity';
import { effectiveConfig, evaluateGatePolicy, NO_GRANTS } from '#core/gate-verdict';
import type { ApprovalRequest } from '#core/request';
import type { ApprovalStore, AuditLog, Clock, GateCatalog, Notifier } from '#ports';
import { notifyApprovers } from './notify-approvers.ts';

export interface GateRequestDeps {
  readonly store: ApprovalStore;
  readonly audit: AuditLog;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly gates: GateCatalog;
}

export interface GateRequestInput {
  readonly gateId: string;
  /** The calling agent, as the authorizer vouches for it. */
  readonly caller: Identity;
  readonly idempotencyKey: string;
  readonly body: AgentRequestBody;
  /** Where webhooks may point: `https` on AWS, `loopback` locally. */
  readonly webhookRule: 'https' | 'loopback';
}

export type GateRequestOutcome =
  | { readonly kind: 'created' | 'repeated'; readonly request: ApprovalRequest }
  /** The gate's policy answered at once; nobody is asked and no request is stored. */
  | { readonly kind: 'allowed' | 'denied'; readonly reason: string; readonly policyId: string };

/**
 * An agent asks a named gate for a decision. The gate's own settings apply (the caller cannot pick
 * approvers or policies): its policy answers at once when no person is needed, with an audit entry;
 * otherwise a request is stored and its approvers are told, like at a flow's gate. Idempotent on
 * (caller, gate, key): the request id is derived from them, so a repeat finds the stored request;
 * the same key with another body is a conflict.
 */
export async function requestAtGate(deps: GateRequestDeps, input: GateRequestInput): Promise<GateRequestOutcome> {
  const found = await deps.gates.get(input.gateId);
  if (!found) throw new NotFoundError(`gate ${input.gateId} not found`);
  const gate = found.gate;
  const gateRef = { gateId: gate.id, ...(found.revision !== undefined ? { gateRevision: found.revision } : {}) };
  if (input.body.callback?.type === 'webhook') assertWebhookUrl(input.body.callback.url, input.webhookRule);

  const id = agentRequestId(input.caller.userId, gate.id, input.idempotencyKey);
  const bodyHash = bodyHashOf(input.body);
  const earlier = await deps.store.get(id);
  if (earlier) return repeatOf(earlier, bodyHash);

  const workflowId = gateWorkflowId(gate.id);
  const executionId = `${workflowId}/${id}`;
  const requestedBy = input.body.requestedBy ?? input.caller.userId;
  const verdict = await evaluateGatePolicy(gate.hitl, input.body.action, NO_GRANTS, { workflowId, nodeId: gate.id, requestedBy, facts: input.body.context.facts });
  if (verdict.outcome === 'pass' || verdict.outcome === 'deny') {
    const allowed = verdict.outcome === 'pass';
    const reason = verdict.outcome === 'deny' ? verdict.reason : verdict.why;
    await deps.audit.append({
      executionId,
      workflowId,
      nodeId: gate.id,
      kind: allowed ? 'gate_passed' : 'gate_denied',
      actor: input.caller.userId,
      detail: { action: input.body.action, policyId: verdict.policyId, why: verdict.why, reason, requestedBy, idempotencyKey: input.idempotencyKey, ...gateRef },
    });
    return { kind: allowed ? 'allowed' : 'denied', reason, policyId: verdict.policyId };
  }

  const hitl = effectiveConfig(gate.hitl, verdict);
  const now = deps.clock.now();
  const request: ApprovalRequest = {
    id,
    executionId,
    workflowId,
    nodeId: gate.id,
    step: input.idempotencyKey,
    mode: hitl.mode,
    channel: 'async',
    action: input.body.action,
    context: input.body.context,
    hitl,
    policy: { id: verdict.policyId, why: verdict.why },
    requestedBy,
    createdBy: input.caller.userId,
    gateId: gate.id,
    idempotency: { key: input.idempotencyKey, bodyHash },
    callback: input.body.callback?.type === 'durable' ? { type: 'durable' } : (input.body.callback ?? { type: 'none' }),
    status: 'pending',
    level: 0,
    createdAt: now.toISOString(),
    dueAt: new Date(now.getTime() + timeoutAtLevel(hitl, 0) * 1000).toISOString(),
    events: [{ at: now.toISOString(), type: 'created', actor: input.caller.userId, detail: { level: 0, ...gateRef } }],
  };
  // A durable function's callback id is kept where task tokens are: server-side, never shown.
  const result = await deps.store.create(request, input.body.callback?.type === 'durable' ? input.body.callback.callbackId : undefined);
  // Two calls with the same key at the same moment: the conditional create let one of them in.
  if (!result.created) return repeatOf(result.existing, bodyHash);

  await Promise.all([
    deps.audit.append({
      executionId,
      workflowId,
      nodeId: gate.id,
      requestId: id,
      kind: 'gate_paused',
      actor: input.caller.userId,
      detail: { action: request.action, dueAt: request.dueAt, mode: request.mode, policyId: verdict.policyId, requestedBy, callback: request.callback!.type, ...gateRef },
    }),
    notifyApprovers(deps, request, 'created'),
  ]);
  return { kind: 'created', request };
}

function repeatOf(earlier: ApprovalRequest, bodyHash: string): GateRequestOutcome {
  if (earlier.idempotency?.bodyHash !== bodyHash) {
    throw new IdempotencyConflictError(`Idempotency-Key "${earlier.idempotency?.key ?? ''}" was used for request ${earlier.id} with a different body`);
  }
  return { kind: 'repeated', request: earlier };
}
