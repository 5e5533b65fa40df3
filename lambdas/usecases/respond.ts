import { assertMayDecide } from '#core/authorization';
import { AlreadyDecidedError, ConcurrentUpdateError, NotFoundError, ValidationError, WorkflowGoneError } from '#core/errors';
import type { Identity } from '#core/identity';
import { decide, isSameDecision } from '#core/lifecycle';
import type { ApprovalRequest, Decision, Outcome } from '#core/request';
import type { RespondBody } from '#core/respond-input';
import type { ApprovalStore, AuditLog, Clock, Workflows } from '#ports';
import { DELIVERY_LEASE_MS, deliverDecision, type DeliveryResult } from './deliver-decision.ts';

export interface RespondDeps {
  readonly store: ApprovalStore;
  readonly audit: AuditLog;
  readonly workflows: Workflows;
  readonly clock: Clock;
}

export interface RespondInput extends RespondBody {
  readonly id: string;
  readonly identity: Identity;
  /** Where the decision came from: api, email, slack, dashboard. */
  readonly channel: string;
}

export interface RespondResult {
  readonly approval: ApprovalRequest;
  /** Whether the waiting workflow has the decision; `pending` means the sweeper will deliver it. */
  readonly delivery: DeliveryResult;
  /** False when this call repeated a decision already stored. */
  readonly decidedNow: boolean;
}

const OUTCOME_OF = { approve: 'approved', reject: 'rejected' } as const satisfies Record<RespondBody['decision'], Outcome>;
const CONCURRENT_RETRIES = 3;

/**
 * An approver's decision: stored with one conditional write (only while pending, so of two racing
 * decisions exactly one wins), then delivered to the waiting workflow.
 */
export async function respond(deps: RespondDeps, input: RespondInput): Promise<RespondResult> {
  const outcome = OUTCOME_OF[input.decision];
  for (let attempt = 0; ; attempt++) {
    const request = await deps.store.get(input.id);
    if (!request) throw new NotFoundError(`approval ${input.id} not found`);
    assertMayDecide(input.identity, request);

    if (request.status !== 'pending') return repeatOrConflict(request, input.identity.userId, outcome);
    if (input.editedArgs !== undefined && request.action.kind !== 'tool_call') {
      throw new ValidationError('editedArgs apply to tool calls only', [{ path: 'editedArgs', message: 'this request is not a tool call' }]);
    }

    const now = deps.clock.now();
    const decision: Decision = {
      outcome,
      approver: input.identity.userId,
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      ...(input.editedArgs !== undefined ? { editedArgs: input.editedArgs } : {}),
      scope: input.scope,
      channel: input.channel,
      decidedAt: now.toISOString(),
    };
    const decided = decide(request, decision);
    try {
      await deps.store.transition(request, decided, new Date(now.getTime() + DELIVERY_LEASE_MS));
    } catch (error) {
      // Someone else changed it first: a rival decision, the sweeper, or an escalation. Look again.
      if (error instanceof ConcurrentUpdateError && attempt < CONCURRENT_RETRIES) continue;
      throw error;
    }

    await deps.audit.append({
      executionId: decided.executionId,
      workflowId: decided.workflowId,
      nodeId: decided.nodeId,
      requestId: decided.id,
      kind: 'decision',
      actor: decision.approver,
      detail: { outcome, channel: input.channel, scope: input.scope, level: request.level, ...(input.reason ? { reason: input.reason } : {}) },
    });
    const delivery = await deliverDecision(deps, decided);
    if (delivery === 'workflow_gone') {
      throw new WorkflowGoneError(
        `the decision on ${decided.id} is recorded, but its workflow is no longer waiting (it timed out or was stopped)`,
      );
    }
    return { approval: (await deps.store.get(decided.id)) ?? decided, delivery, decidedNow: true };
  }
}

function repeatOrConflict(request: ApprovalRequest, approver: string, outcome: Outcome): RespondResult {
  if (isSameDecision(request.decision, approver, outcome)) {
    const delivery = request.delivery === 'delivered' ? 'delivered' : request.delivery === 'workflow_gone' ? 'workflow_gone' : 'pending';
    return { approval: request, delivery, decidedNow: false };
  }
  throw new AlreadyDecidedError(request.id, request.status);
}
